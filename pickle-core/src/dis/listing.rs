//! The disassembly loop of `pickletools.dis`: one line per opcode, with the
//! same crude emulation of the unpickler's stack, mark stack and memo, and
//! the same sanity checks, raised at the same points of the output.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;

use crate::error::{Error, ErrorKind, Result};
use crate::opcode::{Opcode, StackItem};
use crate::text::int::TextInt;

use super::args::{Arg, Text};
use super::ops::{Instruction, Instructions};
use super::Options;
use crate::text::repr;

/// The text written so far, never longer than the configured limit.
struct Output<'o> {
    text: &'o mut String,
    limit: usize,
}

impl Output<'_> {
    /// Whether `extra` more bytes still fit; checked before building padding
    /// and indentation, whose sizes the caller chooses.
    fn has_room(&self, extra: usize, pos: usize) -> Result<()> {
        match self.text.len().checked_add(extra) {
            Some(total) if total <= self.limit => Ok(()),
            _ => Err(Error::at(
                ErrorKind::AllocLimit,
                pos as u64,
                format!(
                    "the disassembly would exceed the output limit of {} bytes",
                    self.limit
                ),
            )),
        }
    }

    fn push(&mut self, s: &str, pos: usize) -> Result<()> {
        self.has_room(s.len(), pos)?;
        self.text.push_str(s);
        Ok(())
    }
}

/// What one opcode does to the emulated stack.
struct StackEffect {
    /// How many items to pop (after a popped mark took its slice).
    pop: usize,
    /// What to push: the table's `stack_after`, or for a memo read the
    /// kind of item that was stored.
    push: Cow<'static, [StackItem]>,
}

/// One opcode's line, the error to raise once it is printed, and its effect.
struct Step {
    line: String,
    deferred_error: Option<Error>,
    effect: StackEffect,
}

/// The unpickler state `pickletools.dis` emulates, with stack items by kind.
#[derive(Default)]
struct Machine {
    stack: Vec<StackItem>,
    /// Offsets of the `MARK` opcodes whose marks are still open.
    marks: Vec<usize>,
    memo: HashMap<TextInt, StackItem>,
}

/// Writes the disassembly of `data` to `out`; on error `out` holds what
/// `pickletools.dis` had printed when it raised, or, past the output limit,
/// the whole lines that fit.
pub(super) fn disassemble(data: &[u8], options: &Options, out: &mut String) -> Result<()> {
    let result = write_lines(data, options, out);
    if let Err(e) = &result {
        if e.kind() == ErrorKind::AllocLimit {
            // Drop the offset of the line that did not fit.
            out.truncate(out.rfind('\n').map_or(0, |i| i + 1));
        }
    }
    result
}

fn write_lines(data: &[u8], options: &Options, out: &mut String) -> Result<()> {
    let mut out = Output {
        text: out,
        limit: options.max_output,
    };
    let mut machine = Machine::default();
    let mut max_proto = 0;
    let mut annotate_column = options.annotate;
    let mut stop_pos = 0;
    for instruction in Instructions::new(data) {
        let instruction = instruction?;
        let pos = instruction.pos;
        stop_pos = pos;
        max_proto = max_proto.max(instruction.opcode.proto());
        out.push(&format!("{pos:5}: "), pos)?;
        let step = machine.step(&instruction, options, &mut annotate_column, &out)?;
        out.push(&step.line, pos)?;
        out.push("\n", pos)?;
        // pickletools complains only once the offending line is printed.
        if let Some(error) = step.deferred_error {
            return Err(error);
        }
        machine.apply(step.effect, pos)?;
    }
    out.push(
        &format!("highest protocol among opcodes = {max_proto}\n"),
        stop_pos,
    )?;
    if !machine.stack.is_empty() {
        let names: Vec<_> = machine.stack.iter().map(|item| item.name()).collect();
        return Err(Error::at(
            ErrorKind::InvalidOperation,
            stop_pos as u64,
            format!("stack not empty after STOP: [{}]", names.join(", ")),
        ));
    }
    Ok(())
}

impl Machine {
    /// Checks marks and memo use for one opcode and builds its line. Errors
    /// `pickletools` raises before printing the line are returned; those it
    /// raises after printing it come back with the line, to return after it.
    fn step(
        &mut self,
        instruction: &Instruction<'_>,
        options: &Options,
        annotate_column: &mut usize,
        out: &Output<'_>,
    ) -> Result<Step> {
        let Instruction {
            opcode, arg, pos, ..
        } = instruction;
        let (opcode, pos) = (*opcode, *pos);
        let info = opcode.info();
        let mut deferred = None;
        let mut note = None;
        let mut effect = StackEffect {
            pop: info.stack_before.len(),
            push: Cow::Borrowed(info.stack_after),
        };
        let fail = |kind, message: String| Error::at(kind, pos as u64, message);
        // The line is indented by the marks open before this opcode, even
        // when it closes one.
        let depth = self.marks.len();

        // Whether a MARK is popped: opcodes that take a stack slice, and a
        // POP whose top is a mark.
        if info.stack_before.contains(&StackItem::Mark)
            || (opcode == Opcode::Pop && self.stack.last() == Some(&StackItem::Mark))
        {
            match self.marks.pop() {
                Some(mark_pos) => {
                    note = Some(format!("(MARK at {mark_pos})"));
                    // Drop everything at and above the topmost mark. An opcode
                    // such as APPEND may have popped the mark as an ordinary
                    // item, and then pickletools runs off the bottom of its
                    // stack (an IndexError, before the line is printed).
                    match self.stack.iter().rposition(|&s| s == StackItem::Mark) {
                        Some(at) => self.stack.truncate(at),
                        None => {
                            return Err(fail(
                                ErrorKind::Mark,
                                format!(
                                    "the mark pushed at byte {mark_pos} was taken off the \
                                     stack by an opcode that does not use marks"
                                ),
                            ))
                        }
                    }
                    // Only what lies below the mark in `stack_before` is left
                    // to pop (nothing, for POP).
                    effect.pop = info
                        .stack_before
                        .iter()
                        .position(|&s| s == StackItem::Mark)
                        .unwrap_or(0);
                }
                None => {
                    let message = "no MARK exists on stack";
                    note = Some(message.to_owned());
                    deferred = Some(fail(ErrorKind::Mark, message.to_owned()));
                }
            }
        }

        match opcode {
            Opcode::Put | Opcode::BinPut | Opcode::LongBinPut | Opcode::Memoize => {
                let key = if opcode == Opcode::Memoize {
                    note = Some(format!("(as {})", self.memo.len()));
                    TextInt::Small(self.memo.len() as i64)
                } else {
                    memo_key(arg, opcode, pos)?
                };
                if self.memo.contains_key(&key) {
                    let shown = show_memo_arg(arg, pos)?;
                    deferred = Some(fail(
                        ErrorKind::InvalidOperation,
                        format!("memo key {shown} already defined"),
                    ));
                } else {
                    match self.stack.last() {
                        None => {
                            deferred = Some(fail(
                                ErrorKind::StackUnderflow,
                                "stack is empty -- can't store into memo".into(),
                            ))
                        }
                        Some(StackItem::Mark) => {
                            deferred = Some(fail(
                                ErrorKind::Mark,
                                "can't store markobject in the memo".into(),
                            ))
                        }
                        Some(&top) => {
                            self.memo.insert(key, top);
                        }
                    }
                }
            }
            Opcode::Get | Opcode::BinGet | Opcode::LongBinGet => {
                match self.memo.get(&memo_key(arg, opcode, pos)?) {
                    Some(&stored) => effect.push = Cow::Owned(vec![stored]),
                    None => {
                        let shown = show_memo_arg(arg, pos)?;
                        deferred = Some(fail(
                            ErrorKind::MemoMissing,
                            format!("memo key {shown} has never been stored into"),
                        ));
                    }
                }
            }
            _ => {}
        }

        // "%-4s %s%s": the opcode byte as repr() shows a one-character str,
        // the indentation of open marks, the name.
        let mut line = String::new();
        let mut code = String::new();
        repr::str_repr(std::iter::once(u32::from(opcode.byte())), &mut code);
        let code = &code[1..code.len() - 1];
        let _ = write!(line, "{code:<4} ");
        let indent = options.indent_level.saturating_mul(depth);
        out.has_room(indent, pos)?;
        line.extend(std::iter::repeat(' ').take(indent));
        line.push_str(info.name);

        if !matches!(arg, Arg::None) || note.is_some() {
            // pickletools' "mild effort to align arguments".
            let pad = 10usize.saturating_sub(info.name.len());
            line.extend(std::iter::repeat(' ').take(pad));
            if !matches!(arg, Arg::None) {
                // Refuse a string that cannot fit before rendering it.
                out.has_room(line.len().saturating_add(arg.min_repr_len()), pos)?;
                line.push(' ');
                push_arg(arg, &mut line, pos)?;
            }
            if let Some(note) = note {
                line.push(' ');
                line.push_str(&note);
            }
        }

        if options.annotate > 0 {
            // Columns count characters, as Python's len() of the line does.
            let width = line.chars().count();
            let pad = annotate_column.saturating_sub(width);
            out.has_room(line.len().saturating_add(pad), pos)?;
            line.extend(std::iter::repeat(' ').take(pad));
            // Align with the previous annotation, unless it drifted too far right.
            *annotate_column = width + pad;
            if *annotate_column > 50 {
                *annotate_column = options.annotate;
            }
            line.push(' ');
            line.push_str(info.doc_first_line);
        }
        Ok(Step {
            line,
            deferred_error: deferred,
            effect,
        })
    }

    /// Pops what the opcode takes and pushes what it leaves, as `pickletools`
    /// does after printing the line; a `MARK` opens a mark at `pos`.
    fn apply(&mut self, effect: StackEffect, pos: usize) -> Result<()> {
        if self.stack.len() < effect.pop {
            return Err(Error::at(
                ErrorKind::StackUnderflow,
                pos as u64,
                format!(
                    "tries to pop {} items from stack with only {} items",
                    effect.pop,
                    self.stack.len()
                ),
            ));
        }
        self.stack.truncate(self.stack.len() - effect.pop);
        if effect.push.contains(&StackItem::Mark) {
            self.marks.push(pos);
        }
        self.stack.extend_from_slice(&effect.push);
        Ok(())
    }
}

/// The memo index an opcode's argument names.
fn memo_key(arg: &Arg<'_>, opcode: Opcode, pos: usize) -> Result<TextInt> {
    arg.memo_key().ok_or_else(|| {
        Error::at(
            ErrorKind::InvalidArgument,
            pos as u64,
            format!("`{}` needs an integer argument", opcode.name()),
        )
    })
}

/// The `%r` of a memo opcode's argument in pickletools' memo errors
/// (`None` for MEMOIZE, which has no argument).
fn show_memo_arg(arg: &Arg<'_>, pos: usize) -> Result<String> {
    let mut shown = String::new();
    push_arg(arg, &mut shown, pos)?;
    Ok(shown)
}

/// Appends the `repr()` of an argument (`None` when there is none).
fn push_arg(arg: &Arg<'_>, out: &mut String, pos: usize) -> Result<()> {
    match arg {
        Arg::None => out.push_str("None"),
        Arg::Int(v) => repr::int_repr(v, out).map_err(|_| {
            Error::at(
                ErrorKind::InvalidArgument,
                pos as u64,
                format!(
                    "exceeds the limit ({} digits) for integer string conversion",
                    crate::value::MAX_STR_DIGITS
                ),
            )
        })?,
        Arg::Bool(b) => repr::bool_repr(*b, out),
        Arg::Float(x) => repr::float_repr(*x, out),
        Arg::Str(Text::Latin1(bytes)) => repr::str_repr(bytes.iter().map(|&b| u32::from(b)), out),
        Arg::Str(Text::Unicode(text)) => repr::str_repr(text.code_points(), out),
        Arg::Bytes(bytes) => repr::bytes_repr(bytes, out),
        Arg::ByteArray(bytes) => repr::bytearray_repr(bytes, out),
    }
    Ok(())
}
