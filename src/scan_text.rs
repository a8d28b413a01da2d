//! The text `pickle-inspect scan` prints: one line per finding, then the
//! verdict and the read error, if any.

use std::fmt::Write;

use pickle_core::scan::{Report, Safety};

/// Renders a scan report for people.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let _ = writeln!(
            out,
            "{:>8}  {:<12} {:<13} {:<9}  {}  ({})",
            f.offset,
            f.opcode.name(),
            f.action.label(),
            f.safety.label(),
            printable(&f.target),
            printable(&f.reason)
        );
    }
    let count = |s: Safety| report.with_safety(s).count();
    let _ = writeln!(
        out,
        "verdict: {} ({} findings: {} dangerous, {} unknown, {} safe, {} data)",
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
            "error: {} (reading stopped there; Python would have run the calls above before failing)",
            printable(&err.to_string())
        );
    }
    out
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
