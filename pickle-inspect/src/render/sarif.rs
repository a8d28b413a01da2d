//! SARIF 2.1.0, for code scanning dashboards: one result per finding that
//! fails the gate (dangerous and unreadable as errors, unknown as
//! warnings), located at its file and byte offset; a finding inside a
//! container member names the member.

use pickle_core::scan::Safety;
use serde_json::{json, Value};

use crate::report::{Content, FileReport};

const RULES: [(&str, &str); 3] = [
    (
        "dangerous",
        "a known gadget, or a shape no honest pickle has",
    ),
    ("unknown", "a name that is not on the allowlist"),
    (
        "unreadable",
        "bytes the scan could not read, so cannot vouch for",
    ),
];

/// Renders reports as a SARIF log.
pub fn to_sarif(reports: &[FileReport]) -> String {
    let mut results = Vec::new();
    for file in reports {
        for part in &file.parts {
            let member = part.location[1..].join(" > ");
            let mut push = |rule: &str, message: String, offset: Option<u64>| {
                let in_member = !member.is_empty();
                let text = if in_member {
                    format!("{member}: {message}")
                } else {
                    message
                };
                let mut location =
                    json!({ "physicalLocation": { "artifactLocation": { "uri": file.path } } });
                if let (Some(offset), false) = (offset, in_member) {
                    location["physicalLocation"]["region"] =
                        json!({ "byteOffset": offset, "byteLength": 1 });
                }
                results.push(json!({
                    "ruleId": rule,
                    "level": if rule == "unknown" { "warning" } else { "error" },
                    "message": { "text": text },
                    "locations": [location],
                }));
            };
            match &part.content {
                Content::Data(_) => {}
                Content::Unreadable(why) => push("unreadable", why.clone(), None),
                Content::Opaque(why) => push("unknown", why.clone(), None),
                Content::Pickles(report) => {
                    for f in &report.findings {
                        let rule = match (f.safety, f.action) {
                            (Safety::Dangerous, _) => "dangerous",
                            (_, pickle_core::scan::Action::Unreadable) => "unreadable",
                            (Safety::Unknown, _) => "unknown",
                            _ => continue,
                        };
                        push(
                            rule,
                            format!("{} {}: {}", f.action.label(), f.target, f.reason),
                            Some(f.offset),
                        );
                    }
                }
            }
        }
    }
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, text)| json!({ "id": id, "shortDescription": { "text": text } }))
        .collect();
    json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{
            "tool": { "driver": {
                "name": "pickle-inspect",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        }],
    })
    .to_string()
}
