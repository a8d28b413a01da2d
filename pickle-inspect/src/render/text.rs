//! The text `pickle-inspect scan` prints: per file its verdict, per part
//! where it lies and what it is, one line per finding, and a summary.

use std::fmt::Write;

use pickle_core::scan::{Report, Safety};

use crate::report::{Content, FileReport, Part};

/// Renders scan reports for people.
pub fn render(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for file in reports {
        let _ = writeln!(out, "{}: {}", printable(&file.path), file.verdict().label());
        for part in &file.parts {
            render_part(&mut out, part);
        }
    }
    out
}

fn render_part(out: &mut String, part: &Part) {
    let place = printable(&part.location.join(" > "));
    match &part.content {
        Content::Data(what) => {
            let _ = writeln!(out, "  {place} [{}]: data: {what}", part.format);
        }
        Content::Unreadable(why) => {
            let _ = writeln!(
                out,
                "  {place} [{}]: unreadable: {}",
                part.format,
                printable(why)
            );
        }
        Content::Opaque(why) => {
            let _ = writeln!(
                out,
                "  {place} [{}]: unknown: {}",
                part.format,
                printable(why)
            );
        }
        Content::Pickles(report) => {
            let _ = writeln!(
                out,
                "  {place} [{}]: {} pickle{}",
                part.format,
                report.pickles.len(),
                if report.pickles.len() == 1 { "" } else { "s" }
            );
            render_report(out, report);
        }
    }
}

fn render_report(out: &mut String, report: &Report) {
    for f in &report.findings {
        let times = if f.count > 1 {
            format!(" x{}", f.count)
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "    {:>10}  {:<16} {:<13} {:<9}  {}  ({}){times}",
            f.offset,
            f.opcode.map_or("-", |o| o.name()),
            f.action.label(),
            f.safety.label(),
            printable(&f.target),
            printable(&f.reason)
        );
    }
    let count = |s: Safety| report.with_safety(s).count();
    let _ = writeln!(
        out,
        "    verdict: {} ({} findings: {} dangerous, {} unknown, {} safe, {} data)",
        report.verdict(),
        report.findings.len(),
        count(Safety::Dangerous),
        count(Safety::Unknown),
        count(Safety::Safe),
        count(Safety::Data),
    );
    if let Some(err) = &report.error {
        let _ = writeln!(
            out,
            "    error: {} (reading stopped there; Python would have run the calls above before failing)",
            printable(&err.to_string())
        );
    }
}

/// `text` with control characters escaped: names come from the pickle, and
/// a name holding `\r` or a terminal escape must not rewrite the lines
/// above it on the screen of whoever reviews the report.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}
