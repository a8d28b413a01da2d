//! The opcodes of a pickle in order, as `pickletools.genops` yields them.

use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;

use super::args::{read_arg, Arg};
use crate::text::repr::bytes_repr;

/// One opcode with its decoded argument.
#[derive(Debug)]
pub(super) struct Instruction<'a> {
    pub(super) opcode: Opcode,
    pub(super) arg: Arg<'a>,
    /// Offset of the opcode byte.
    pub(super) pos: usize,
    /// Offset just past the argument.
    pub(super) end: usize,
}

/// `pickletools._genops`: every opcode from the start of the data through
/// the first `STOP`, each with its argument read by the argument descriptor
/// of its kind in [the opcode table](crate::opcode). Yields one error and
/// ends if the data ends first or holds a byte that is no opcode.
pub(super) struct Instructions<'a> {
    data: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Instructions<'a> {
    pub(super) fn new(data: &'a [u8]) -> Instructions<'a> {
        Instructions {
            data,
            pos: 0,
            done: false,
        }
    }

    fn fail(&mut self, kind: ErrorKind, message: String) -> Option<Result<Instruction<'a>>> {
        self.done = true;
        Some(Err(Error::at(kind, self.pos as u64, message)))
    }
}

impl<'a> Iterator for Instructions<'a> {
    type Item = Result<Instruction<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let pos = self.pos;
        let Some(&byte) = self.data.get(pos) else {
            return self.fail(
                ErrorKind::Truncated,
                "pickle exhausted before seeing STOP".into(),
            );
        };
        let Some(opcode) = Opcode::from_byte(byte) else {
            let mut shown = String::new();
            bytes_repr(&[byte], &mut shown);
            return self.fail(ErrorKind::InvalidOpcode, format!("opcode {shown} unknown"));
        };
        match read_arg(opcode, self.data, pos + 1) {
            Ok((arg, end)) => {
                self.pos = end;
                self.done = opcode == Opcode::Stop;
                Some(Ok(Instruction {
                    opcode,
                    arg,
                    pos,
                    end,
                }))
            }
            Err(e) => self.fail(e.kind, e.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_stop_and_reports_positions() {
        // pickle.dumps(None, 2) followed by junk that genops never reads.
        let data = b"\x80\x02N.junk";
        let ops: Vec<_> = Instructions::new(data).map(Result::unwrap).collect();
        let shape: Vec<_> = ops.iter().map(|i| (i.opcode, i.pos, i.end)).collect();
        assert_eq!(
            shape,
            [
                (Opcode::Proto, 0, 2),
                (Opcode::None, 2, 3),
                (Opcode::Stop, 3, 4)
            ]
        );
    }

    #[test]
    fn errors_carry_the_opcode_offset() {
        // pickletools raises "at position 1, opcode b'\xff' unknown".
        let err = Instructions::new(b"N\xff").find_map(Result::err).unwrap();
        assert_eq!(
            (err.kind(), err.offset(), err.message()),
            (ErrorKind::InvalidOpcode, Some(1), "opcode b'\\xff' unknown")
        );
        let err = Instructions::new(b"N").find_map(Result::err).unwrap();
        assert_eq!(err.message(), "pickle exhausted before seeing STOP");
        assert_eq!(err.offset(), Some(1));
        // A SHORT_BINBYTES that declares 5 bytes of which 2 remain.
        let err = Instructions::new(b"C\x05ab").find_map(Result::err).unwrap();
        assert_eq!(
            err.message(),
            "expected 5 bytes in a bytes1, but only 2 remain"
        );
        assert_eq!(err.offset(), Some(0));
    }
}
