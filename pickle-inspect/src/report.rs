//! What a scan of one file found: each part of it (a pickle stream, a
//! container member, bytes that are plain data, bytes that could not be
//! read), where it lies, and the verdict of the whole.

use pickle_core::scan::{Report, Safety};

/// Where a part lies: the file, then each container member on the way
/// (`model.pt`, `archive/data.pkl`).
pub type Location = Vec<String>;

/// What one part of a file is.
#[derive(Debug)]
#[non_exhaustive]
pub enum Content {
    /// A stream of pickles, scanned.
    Pickles(Report),
    /// Bytes that are data by their format (a tensor storage, a numpy
    /// array's values), not read as pickles.
    Data(String),
    /// Bytes that could not be read as what they claim to be: they fail the
    /// gate, since the scan cannot vouch for them.
    Unreadable(String),
    /// Bytes a loader runs or interprets in a way the scan does not judge
    /// (TorchScript code): not on the allowlist.
    Opaque(String),
}

/// One part of a scanned file.
#[derive(Debug)]
pub struct Part {
    /// Where it lies.
    pub location: Location,
    /// What it is: `pickle`, `zip`, `npy`, `joblib`, `torch`, ...
    pub format: &'static str,
    /// What the scan found in it.
    pub content: Content,
}

/// The gate's verdict, worst first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Every finding is plain data or on the allowlist.
    Pass,
    /// Something is not on the allowlist (and nothing worse).
    Unknown,
    /// Something could not be read (and nothing dangerous).
    Unreadable,
    /// Something is a known gadget or a shape no honest pickle has.
    Dangerous,
}

impl Verdict {
    /// A short lowercase label.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Unknown => "unknown",
            Verdict::Unreadable => "unreadable",
            Verdict::Dangerous => "dangerous",
        }
    }
}

impl Part {
    /// This part's verdict.
    pub fn verdict(&self) -> Verdict {
        match &self.content {
            Content::Data(_) => Verdict::Pass,
            Content::Unreadable(_) => Verdict::Unreadable,
            Content::Opaque(_) => Verdict::Unknown,
            Content::Pickles(report) => match report.verdict() {
                Safety::Dangerous => Verdict::Dangerous,
                _ if report.error.is_some() => Verdict::Unreadable,
                Safety::Unknown => Verdict::Unknown,
                _ => Verdict::Pass,
            },
        }
    }
}

/// Everything a scan of one file (or standard input) found.
#[derive(Debug)]
pub struct FileReport {
    /// The path as given (or `-`).
    pub path: String,
    /// Its parts, in the order they lie in the file.
    pub parts: Vec<Part>,
}

impl FileReport {
    /// The worst verdict of its parts.
    pub fn verdict(&self) -> Verdict {
        self.parts
            .iter()
            .map(Part::verdict)
            .max()
            .unwrap_or(Verdict::Pass)
    }
}
