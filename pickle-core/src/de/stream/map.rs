//! Dicts: `EMPTY_DICT` and batches of `SETITEMS`, or `MARK DICT`, read as
//! entries over the sequence reader of `seq.rs`.

use super::seq::{Mode, StreamSeq, DICT_BATCH};
use super::{Entry, StreamDecoder};
use crate::class::ClassDesc;
use crate::error::Result;
use crate::opcode::Opcode;

/// A dict's entries: the key's decoder, then the value's, at its position.
pub(crate) struct StreamMap<'a> {
    items: StreamSeq<'a>,
    /// Where the key of the last entry handed out starts.
    last_key: usize,
}

impl<'a> StreamDecoder<'a> {
    /// A dict (`EMPTY_DICT` and batches of `SETITEMS`, or `MARK DICT`).
    pub(crate) fn map(self) -> Result<StreamMap<'a>> {
        self.here()?;
        let s = self.s;
        let pos = s.pos();
        let mut items = StreamSeq::new(self, Mode::Between, DICT_BATCH);
        match s.peek()? {
            Opcode::EmptyDict => {
                s.skip(1);
                s.memo_stores(|| Entry::Other)?;
            }
            Opcode::Mark if s.input.get(pos + 1) == Some(&Opcode::Dict.byte()) => {
                s.skip(2);
                s.memo_stores(|| Entry::Other)?;
            }
            _ => return Err(self.fail()),
        }
        items.mode = Mode::Between;
        Ok(StreamMap { items, last_key: 0 })
    }

    /// The entries of a dict whose first batch's `MARK` was just read
    /// (`self` stands for the dict).
    pub(crate) fn map_in_batch(self) -> StreamMap<'a> {
        StreamMap {
            items: StreamSeq::new(self, Mode::Batch, DICT_BATCH),
            last_key: 0,
        }
    }

    /// Where the value after a key that starts at `pos` begins: keys are
    /// atoms, strings or memo `GET`s, which end with their opcode.
    fn after_key(self, pos: usize) -> Result<usize> {
        self.s.after_atom(pos).ok_or_else(|| self.fail())
    }
}

impl<'a> StreamMap<'a> {
    pub(crate) fn len(&self) -> usize {
        self.items.len_hint
    }

    /// The next entry whose key is a name (a string, compared as bytes), read,
    /// and the value after it.
    pub(crate) fn next_named(&mut self) -> Result<Option<(&'a [u8], StreamDecoder<'a>)>> {
        let Some(key) = self.items.next_item()? else {
            return Ok(None);
        };
        let name = key.decode_name()?;
        self.last_key = key.pos();
        // The value is the item after the key: it is not handed out as an item.
        let value = key.s.pos();
        self.items.last = Some(value);
        Ok(Some((name, key.at(value))))
    }

    /// The memo index of the last key handed out, if it was a one-byte `GET`.
    pub(crate) fn last_key_index(&self) -> Option<u8> {
        let input = self.items.d.s.input;
        match *input.get(self.last_key..self.last_key + 2)? {
            [op, index] if op == Opcode::BinGet.byte() => Some(index),
            _ => None,
        }
    }

    /// Inside a batch, the next entry if its key is a one-byte `GET` of a
    /// name already matched to a field of `class` (see `known.rs`): the
    /// field's index and the value's decoder. `None`, having read nothing,
    /// for anything else, which [`next_named`](Self::next_named) reads.
    /// What `next_named` checks holds here too: the previous value was
    /// read, and the key is a whole value (no memo store follows it).
    #[inline]
    pub(crate) fn next_known_field(
        &mut self,
        class: &ClassDesc,
    ) -> Option<(usize, StreamDecoder<'a>)> {
        let items = &mut self.items;
        let s = items.d.s;
        let pos = s.pos();
        if !matches!(items.mode, Mode::Batch) || items.last == Some(pos) {
            return None;
        }
        let [op, index, after] = *s.input.get(pos..pos + 3)? else {
            return None;
        };
        if op != Opcode::BinGet.byte() || is_memo_store(after) {
            return None;
        }
        let field = s.known.borrow().field(index, class)?;
        let key = items.d.next().ok()?;
        s.skip(2);
        let value = s.pos();
        items.last = Some(value);
        self.last_key = pos;
        Some((field, key.at(value)))
    }

    /// Reads the `SETITEMS` that ends a batch and the `then` after it, when
    /// both come next, side by side; whether it did.
    #[inline]
    pub(crate) fn end_batch_then(&mut self, then: Opcode) -> bool {
        let items = &mut self.items;
        let s = items.d.s;
        let pos = s.pos();
        let ends = matches!(items.mode, Mode::Batch)
            && s.input.get(pos..pos + 2) == Some(&[Opcode::SetItems.byte(), then.byte()]);
        if ends {
            s.skip(2);
            items.mode = Mode::Done;
        }
        ends
    }

    /// The next key and value. The key must be read before the value.
    pub(crate) fn next_entry(&mut self) -> Result<Option<(StreamDecoder<'a>, StreamDecoder<'a>)>> {
        let Some(key) = self.items.next_item()? else {
            return Ok(None);
        };
        let value_pos = key.after_key(key.pos())?;
        // The value is the item after the key: it is not handed out as an item.
        self.items.last = Some(value_pos);
        let value = key.at(value_pos);
        Ok(Some((key, value)))
    }
}

/// Whether `byte` is a memo store opcode.
fn is_memo_store(byte: u8) -> bool {
    matches!(
        Opcode::from_byte(byte),
        Some(Opcode::Memoize | Opcode::BinPut | Opcode::LongBinPut | Opcode::Put)
    )
}
