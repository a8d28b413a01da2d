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
            f.target,
            f.reason
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
            "error: {err} (reading stopped there; Python would have run the calls above before failing)"
        );
    }
    out
}
