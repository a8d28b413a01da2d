//! The JSON report: `{"verdict", "files": [{"path", "verdict", "parts":
//! [{"location", "format", "verdict", "kind", ...}]}]}`; a part of kind
//! `pickles` lists its `pickles` (byte ranges), `error` and `findings`
//! (`offset`, `pickle`, `opcode`, `action`, `target`, `global`, `safety`,
//! `reason`, `count`).

use pickle_core::scan::{Action, Finding, Report};
use serde_json::{json, Value};

use crate::report::{Content, FileReport, Part, Verdict};

/// Renders reports as one JSON document.
pub fn to_json(reports: &[FileReport]) -> String {
    let verdict = reports
        .iter()
        .map(FileReport::verdict)
        .max()
        .unwrap_or(Verdict::Pass);
    let files: Vec<Value> = reports
        .iter()
        .map(|f| {
            json!({
                "path": f.path,
                "verdict": f.verdict().label(),
                "parts": f.parts.iter().map(part).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "verdict": verdict.label(), "files": files }).to_string()
}

fn part(p: &Part) -> Value {
    let mut v = json!({
        "location": p.location,
        "format": p.format,
        "verdict": p.verdict().label(),
    });
    let fields = match &p.content {
        Content::Data(what) => json!({ "kind": "data", "what": what }),
        Content::Unreadable(why) => json!({ "kind": "unreadable", "reason": why }),
        Content::Opaque(why) => json!({ "kind": "opaque", "reason": why }),
        Content::Pickles(r) => pickles(r),
    };
    if let (Value::Object(v), Value::Object(fields)) = (&mut v, fields) {
        v.extend(fields);
    }
    v
}

fn pickles(r: &Report) -> Value {
    json!({
        "kind": "pickles",
        "protocol": r.protocol,
        "pickles": r.pickles.iter().map(|p| [p.start, p.end]).collect::<Vec<_>>(),
        "error": r.error.as_ref().map(|e| json!({
            "kind": format!("{:?}", e.kind()),
            "offset": e.offset(),
            "message": e.message(),
        })),
        "findings": r.findings.iter().map(finding).collect::<Vec<_>>(),
    })
}

fn finding(f: &Finding) -> Value {
    json!({
        "offset": f.offset,
        "pickle": f.pickle,
        "opcode": f.opcode.map(|o| o.name()),
        "action": f.action.label(),
        "extension_code": match f.action { Action::Extension(code) => Some(code), _ => None },
        "target": &*f.target,
        "global": f.global.as_ref().map(|g| json!({
            "module": g.module.to_string_lossy(),
            "name": g.name.to_string_lossy(),
        })),
        "safety": f.safety.label(),
        "reason": &*f.reason,
        "count": f.count,
    })
}
