//! Globals (a class, a callable) at the read position, in the forms
//! CPython writes them: `GLOBAL`, `STACK_GLOBAL` of two strings, or a `GET`
//! of either.

use std::rc::Rc;

use super::{Entry, StreamDecoder};
use crate::error::Result;
use crate::opcode::Opcode;

impl StreamDecoder<'_> {
    /// The name of the global that starts at the read position (`GLOBAL`,
    /// `STACK_GLOBAL` of two strings, or a `GET` of one), read past it and its
    /// memo stores; `None` if no global starts here.
    pub(crate) fn read_global(self) -> Result<Option<Rc<(String, String)>>> {
        let s = self.s;
        let pos = s.pos();
        let op = s.peek()?;
        let global = match op {
            Opcode::Global => {
                let (module, name, end) = s.global_lines(pos).ok_or_else(|| self.fail())?;
                let global = s.renamed(module, name);
                s.skip(end - pos);
                global
            }
            Opcode::BinGet | Opcode::LongBinGet | Opcode::Get => match s.get_at(op)? {
                Some((Entry::Global(g), len)) => {
                    s.skip(len);
                    s.memo_keep(Entry::Global(g.clone()))?;
                    return Ok(Some(g));
                }
                Some((Entry::Str { .. }, _)) => self.stack_global()?,
                _ => return Ok(None),
            },
            Opcode::ShortBinUnicode | Opcode::BinUnicode | Opcode::BinUnicode8 => {
                self.stack_global()?
            }
            _ => return Ok(None),
        };
        let global = Rc::new(global);
        s.memo_keep(Entry::Global(global.clone()))?;
        Ok(Some(global))
    }

    /// `module name STACK_GLOBAL`, the two strings possibly from the memo.
    fn stack_global(self) -> Result<(String, String)> {
        let s = self.s;
        let module = self.next()?.decode_str()?;
        let name = self.next()?.decode_str()?;
        if s.peek()? != Opcode::StackGlobal {
            return Err(self.fail());
        }
        s.skip(1);
        Ok(self.s.renamed(module, name))
    }
}
