//! A stream of pickles: each read to its `STOP`, the next from there, to
//! the end of the input. Between and inside them, only the bytes that a
//! known format puts there are skipped (joblib's arrays, the legacy
//! `torch.save` format's storages); anything else must be a pickle.

use std::ops::Range;

use super::judge::{After, Judge};
use super::machine::{Machine, Stop};
use super::policy::Policy;
use super::source::Reading;
use super::{joblib, torch, Action, Report, Safety};
use crate::de::Limits;
use crate::error::{Error, ErrorKind};
use crate::ext::Extensions;

/// How deep joblib's object arrays may nest pickles in pickles.
const MAX_NESTING: usize = 8;

pub(super) fn scan(
    input: &[u8],
    policy: &Policy,
    limits: Limits,
    extensions: Option<&Extensions>,
) -> Report {
    let mut judge = Judge::new(policy, input, limits.max_alloc);
    let reader = Reader {
        input,
        limits,
        extensions,
    };
    let contiguous = reader.read(Reading::Contiguous, &mut judge);
    if let Some(at) = contiguous.straddle {
        judge.record_stream(
            at as u64,
            Action::Ambiguous,
            Safety::Dangerous,
            "an opcode across the end of a FRAME",
            "`pickle.loads` reads on across the frame's end, `pickle.load` of an unbuffered file reads the bytes after the frame instead: the two run different opcodes, which no pickler writes".to_owned(),
        );
        judge.findings.note = Some("as `pickle.load` reads an unbuffered file or `io.BytesIO`");
        // Where this reading fails, Python's load fails too: nothing more runs.
        reader.read(Reading::FrameCut, &mut judge);
        judge.findings.note = None;
    }
    if let Some(e) = &contiguous.error {
        let offset = e.offset().unwrap_or(0);
        judge.findings.pickle = contiguous.pickles.last().map_or(0, |p| p.start);
        judge.record_stream(
            offset,
            Action::Unreadable,
            Safety::Unknown,
            &format!("bytes from offset {offset}"),
            e.to_string(),
        );
    }
    let (findings, _) = judge.finish();
    Report {
        findings,
        error: contiguous.error,
        protocol: contiguous.protocol,
        pickles: contiguous.pickles,
    }
}

/// What one reading of the stream found besides its findings.
#[derive(Default)]
struct Read {
    pickles: Vec<Range<u64>>,
    error: Option<Error>,
    straddle: Option<usize>,
    protocol: u8,
}

struct Reader<'a> {
    input: &'a [u8],
    limits: Limits,
    extensions: Option<&'a Extensions>,
}

impl Reader<'_> {
    fn read(&self, reading: Reading, judge: &mut Judge) -> Read {
        let mut out = Read::default();
        if self.input.is_empty() {
            out.error = Some(Error::at(
                ErrorKind::Truncated,
                0,
                "empty input: no pickle in it",
            ));
            return out;
        }
        let mut pos = 0;
        while pos < self.input.len() {
            let result = self.pickle(pos, reading, judge, &mut out, 0);
            let end = match &result {
                Ok(end) | Err((_, end)) => *end,
            };
            out.pickles.push(pos as u64..end as u64);
            if let Err((e, _)) = result {
                out.error = Some(e);
                break;
            }
            pos = end;
            if out.pickles.len() == 5 && torch::is_legacy(self.input, &out.pickles[0]) {
                match torch::storages(self.input, pos, &out.pickles[4], &judge.storages) {
                    Ok(end) => pos = end,
                    Err(e) => {
                        out.error = Some(e);
                        break;
                    }
                }
            }
        }
        out
    }

    /// Reads the pickle at `start`; where it ends, or why and where it
    /// broke.
    fn pickle(
        &self,
        start: usize,
        reading: Reading,
        judge: &mut Judge,
        out: &mut Read,
        depth: usize,
    ) -> Result<usize, (Error, usize)> {
        let outer = judge.findings.pickle;
        judge.findings.pickle = start as u64;
        let mut machine = Machine::new(self.input, start, reading, self.limits, self.extensions);
        // The bytes of joblib arrays inside this pickle.
        let mut splices: Vec<Range<usize>> = Vec::new();
        let result = loop {
            let stop = machine.run(judge);
            if let Some(at) = machine.src.straddle {
                out.straddle.get_or_insert(at);
            }
            match stop {
                Ok(Stop::End(end)) => break Ok(end),
                Ok(Stop::Splice(at, After::JoblibArray)) => {
                    let wrapper = joblib::wrapper(self.input, start, at, &splices);
                    let end = match wrapper {
                        Ok(joblib::Array::Raw(layout)) => layout.end(self.input, at),
                        Ok(joblib::Array::Objects) if depth < MAX_NESTING => self
                            .pickle(at, reading, judge, out, depth + 1)
                            .map_err(|(e, _)| e),
                        Ok(joblib::Array::Objects) => Err(Error::at(
                            ErrorKind::DepthLimit,
                            at as u64,
                            "joblib object arrays nested too deep",
                        )),
                        Err(e) => Err(e),
                    };
                    match end {
                        Ok(end) => {
                            splices.push(at..end);
                            judge.findings.pickle = start as u64;
                            machine.src.jump(end);
                        }
                        Err(e) => break Err((e, at)),
                    }
                }
                Err(e) => break Err((e, machine.src.pos)),
            }
        };
        if out.pickles.is_empty() && depth == 0 {
            out.protocol = machine.proto;
        }
        judge.findings.pickle = outer;
        result
    }
}
