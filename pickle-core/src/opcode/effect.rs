//! Stack effects as numbers, for readers that follow stack heights.
//!
//! [`OpcodeInfo::stack_before`](super::OpcodeInfo::stack_before) and
//! `stack_after` describe the shapes as `pickletools` does; this module
//! folds them, once and at compile time, into a 256-entry table that a scan
//! over many opcodes can index by byte.

use super::table::OPCODES;
use super::{Opcode, StackItem};

/// What an opcode does to the stack, as counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StackEffect {
    /// Not an opcode.
    Invalid,
    /// Pushes a mark (`MARK`).
    Mark,
    /// Pops to the top mark, then pushes `push` items; `in_place` when the
    /// item below the mark stays as the same object (`APPENDS`, `SETITEMS`,
    /// `ADDITEMS`).
    ToMark { push: u8, in_place: bool },
    /// Pops `pop` items and pushes `push` new ones.
    Pops { pop: u8, push: u8 },
    /// Pops `pop` items above a target that stays as the same object
    /// (`APPEND`, `SETITEM`, `BUILD`, and `MEMOIZE` with `pop` 0).
    InPlace { pop: u8 },
    /// `POP`: pops an item, or the top mark when nothing is above it.
    Pop,
    /// `DUP`: pushes the top item again.
    Dup,
    /// `STOP`: ends the pickle.
    Stop,
}

impl StackEffect {
    /// Whether a value can start with an opcode of this effect: it pushes
    /// one item and pops nothing, or it is a mark.
    #[inline]
    pub(crate) fn starts_value(self) -> bool {
        matches!(
            self,
            StackEffect::Mark | StackEffect::Pops { pop: 0, push: 1 }
        )
    }
}

const fn effect_of(index: usize) -> StackEffect {
    let info = &OPCODES[index];
    match info.opcode {
        Opcode::Mark => return StackEffect::Mark,
        Opcode::Pop => return StackEffect::Pop,
        Opcode::Dup => return StackEffect::Dup,
        Opcode::Stop => return StackEffect::Stop,
        _ => {}
    }
    let (before, after) = (info.stack_before, info.stack_after);
    let mut i = 0;
    while i < before.len() {
        if matches!(before[i], StackItem::Mark) {
            // What is left below the mark stays; what is pushed past it is new.
            let push = if after.len() > i { after.len() - i } else { 0 };
            return StackEffect::ToMark {
                push: push as u8,
                in_place: i > 0,
            };
        }
        i += 1;
    }
    if info.opcode.modifies_in_place() {
        let pop = if before.is_empty() {
            0
        } else {
            before.len() - 1
        };
        return StackEffect::InPlace { pop: pop as u8 };
    }
    StackEffect::Pops {
        pop: before.len() as u8,
        push: after.len() as u8,
    }
}

static EFFECTS: [StackEffect; 256] = {
    let mut table = [StackEffect::Invalid; 256];
    let mut i = 0;
    while i < OPCODES.len() {
        table[OPCODES[i].opcode as usize] = effect_of(i);
        i += 1;
    }
    table
};

/// `FIXED_ARG[byte]`: the argument is a length in one byte, then that many bytes.
pub(crate) const SHORT_ARG: u8 = 0xFD;
/// `FIXED_ARG[byte]`: the argument's size is in some other form.
pub(crate) const VARIABLE_ARG: u8 = 0xFE;
/// `FIXED_ARG[byte]` for a byte that is no opcode.
pub(crate) const NO_OPCODE: u8 = 0xFF;

/// The size of the argument of the opcode encoded by each byte, when it is
/// fixed; [`SHORT_ARG`], [`VARIABLE_ARG`] or [`NO_OPCODE`] otherwise. One
/// load per opcode, for passes that only step over opcodes.
pub(crate) static FIXED_ARG: [u8; 256] = {
    let mut table = [NO_OPCODE; 256];
    let mut i = 0;
    while i < OPCODES.len() {
        let arg = OPCODES[i].arg;
        table[OPCODES[i].opcode as usize] = match (arg.fixed_len(), arg.length_prefix()) {
            (Some(n), _) => n as u8,
            (None, Some(1)) => SHORT_ARG,
            _ => VARIABLE_ARG,
        };
        i += 1;
    }
    table
};

/// The stack effect of the opcode encoded by `byte` ([`StackEffect::Invalid`]
/// for a byte that is no opcode).
#[inline]
pub(crate) fn of_byte(byte: u8) -> StackEffect {
    EFFECTS[byte as usize]
}

impl Opcode {
    /// This opcode's stack effect.
    #[inline]
    pub(crate) fn stack_effect(self) -> StackEffect {
        EFFECTS[self as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn effects_of_the_opcodes_a_scan_depends_on() {
        use StackEffect as E;
        assert_eq!(
            Opcode::Appends.stack_effect(),
            E::ToMark {
                push: 0,
                in_place: true
            }
        );
        assert_eq!(
            Opcode::Tuple.stack_effect(),
            E::ToMark {
                push: 1,
                in_place: false
            }
        );
        assert_eq!(Opcode::Append.stack_effect(), E::InPlace { pop: 1 });
        assert_eq!(Opcode::SetItem.stack_effect(), E::InPlace { pop: 2 });
        assert_eq!(Opcode::Build.stack_effect(), E::InPlace { pop: 1 });
        assert_eq!(Opcode::Memoize.stack_effect(), E::InPlace { pop: 0 });
        assert_eq!(Opcode::Reduce.stack_effect(), E::Pops { pop: 2, push: 1 });
        assert_eq!(Opcode::Tuple2.stack_effect(), E::Pops { pop: 2, push: 1 });
        assert_eq!(Opcode::BinGet.stack_effect(), E::Pops { pop: 0, push: 1 });
        assert_eq!(Opcode::Frame.stack_effect(), E::Pops { pop: 0, push: 0 });
        assert_eq!(of_byte(0xff), E::Invalid);
        assert_eq!(FIXED_ARG[Opcode::BinFloat as usize], 8);
        assert_eq!(FIXED_ARG[Opcode::BinUnicode as usize], VARIABLE_ARG);
        assert_eq!(FIXED_ARG[Opcode::ShortBinUnicode as usize], SHORT_ARG);
        assert_eq!(FIXED_ARG[Opcode::Long1 as usize], SHORT_ARG);
        assert_eq!(FIXED_ARG[0xff], NO_OPCODE);
        let starts = Opcode::all().filter(|i| i.opcode.stack_effect().starts_value());
        assert_eq!(starts.count(), 37);
    }
}
