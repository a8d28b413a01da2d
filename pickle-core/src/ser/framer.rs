//! The output buffer, with protocol 4 framing exactly as CPython's C pickler does it.
//!
//! CPython opens a frame (a 9-byte `FRAME` header placeholder) at the first
//! write after framing starts or after a frame was committed, and commits it
//! at the start of a `save()` once it holds at least 64 KiB. A frame of fewer
//! than 4 bytes loses its header. Payloads of 64 KiB or more (long strings and
//! bytes) are written outside any frame, after committing the open one.

use std::io::Write;

use crate::error::{Error, Result};
use crate::opcode::Opcode;

/// A frame is committed once it holds this many bytes (`FRAME_SIZE_TARGET`).
pub(crate) const FRAME_SIZE_TARGET: usize = 64 * 1024;
/// Frames smaller than this are written without a header (`FRAME_SIZE_MIN`).
const FRAME_SIZE_MIN: usize = 4;
const FRAME_HEADER_SIZE: usize = 9;
/// The most [`Framer::expect_more`] reserves ahead of the writes (1 GiB).
const MAX_EXPECTED: usize = 1 << 30;

pub(crate) struct Framer<'w> {
    out: Vec<u8>,
    framing: bool,
    /// Where the open frame's header placeholder starts. While framing, a
    /// frame is always open: the next one is opened as soon as one is
    /// committed, instead of at the next write as CPython does, so that
    /// writes need not check for it. The bytes are the same: a frame that
    /// stays empty (or holds fewer than 4 bytes) loses its header on commit.
    frame_start: Option<usize>,
    /// The output length at which a boundary commits the open frame
    /// (`usize::MAX` when none is open), so that the check before every
    /// value is one comparison.
    commit_at: usize,
    /// Where committed output goes when writing to a stream; `None` for `to_vec`.
    sink: Option<&'w mut dyn Write>,
    /// While room for drafts is open (see `draft.rs`): where the output
    /// ends; the zeroed bytes after it, up to `out.len()`, are room for the
    /// next draft. `usize::MAX` when no room is open. Instances drafted one
    /// after another (a list of them) are kept side by side in one room;
    /// anything else written first closes it.
    room_at: usize,
    /// How many times output already written was moved or sent (a frame
    /// committed, the buffer flushed): a [`Mark`] of an earlier epoch no
    /// longer says where its byte is.
    epoch: u64,
}

/// Where a byte was written, for [`Framer::take_back`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    pos: usize,
    epoch: u64,
}

impl Mark {
    /// No byte: [`Framer::take_back`] takes nothing back.
    pub(crate) const NONE: Mark = Mark {
        pos: usize::MAX,
        epoch: u64::MAX,
    };
}

/// How many bytes of room for drafts are zeroed at a time: a few drafts'
/// worth. Rooms grown to 64 KiB were measured slower, by 8% for a long run
/// of drafts (a list of 200,000 records), and by eight times for drafts
/// between other writes (the values of a dict, after keys written
/// otherwise), where most of each room was zeroed for nothing.
const ROOM: usize = 1024;

impl<'w> Framer<'w> {
    pub(crate) fn new(sink: Option<&'w mut dyn Write>) -> Framer<'w> {
        Framer {
            out: Vec::with_capacity(4096),
            framing: false,
            frame_start: None,
            commit_at: usize::MAX,
            sink,
            room_at: usize::MAX,
            epoch: 0,
        }
    }

    /// Moves the output and the framing state into a framer without a
    /// stream (see `Pickler::park`); this one is left empty until
    /// [`Framer::unpark`].
    #[cfg(feature = "serde")]
    pub(crate) fn park(&mut self) -> Framer<'static> {
        self.settle();
        Framer {
            out: std::mem::take(&mut self.out),
            framing: self.framing,
            frame_start: self.frame_start,
            commit_at: self.commit_at,
            sink: None,
            room_at: usize::MAX,
            epoch: self.epoch,
        }
    }

    /// Takes back what [`Framer::park`] moved out, and what was written to
    /// it since, keeping this framer's stream.
    #[cfg(feature = "serde")]
    pub(crate) fn unpark(&mut self, mut parked: Framer<'static>) {
        parked.settle();
        self.room_at = usize::MAX;
        self.out = parked.out;
        self.framing = parked.framing;
        self.frame_start = parked.frame_start;
        self.commit_at = parked.commit_at;
        self.epoch = parked.epoch;
    }

    /// The output so far, taken out of a framer that does not frame.
    #[cfg(feature = "serde")]
    pub(crate) fn take_unframed(&mut self) -> Vec<u8> {
        debug_assert!(!self.framing, "frames are committed by `finish`");
        self.settle();
        self.epoch += 1;
        std::mem::take(&mut self.out)
    }

    /// Where the next byte written goes (where the output ends, before
    /// any room for drafts).
    pub(crate) fn mark(&self) -> Mark {
        let pos = match self.room_at {
            usize::MAX => self.out.len(),
            room_at => room_at,
        };
        Mark {
            pos,
            epoch: self.epoch,
        }
    }

    /// Removes the byte `byte` written at `mark`, if it is still in the
    /// buffer where it was (no frame was committed and nothing was flushed
    /// since); returns whether it did. The open frame only shrinks, so it
    /// is committed where CPython commits the frame without that byte.
    pub(crate) fn take_back(&mut self, mark: Mark, byte: u8) -> bool {
        self.settle();
        if mark.epoch != self.epoch || self.out.get(mark.pos) != Some(&byte) {
            return false;
        }
        self.out.remove(mark.pos);
        true
    }

    /// Closes the room for drafts, if open, before anything else is written.
    #[inline(always)]
    fn settle(&mut self) {
        if self.room_at != usize::MAX {
            self.close_room();
        }
    }

    #[inline(never)]
    fn close_room(&mut self) {
        self.out.truncate(self.room_at);
        self.room_at = usize::MAX;
    }

    /// Room for a draft of at most `most` bytes after the drafts kept so
    /// far, ending before the open frame's commit point (so that no value
    /// starts where a boundary would commit the frame first). Written
    /// bytes are kept by [`Framer::keep_draft`].
    #[inline]
    pub(crate) fn draft_room(&mut self, most: usize) -> &mut [u8] {
        if self.room_at == usize::MAX || self.out.len() - self.room_at < most {
            self.open_room(most);
        }
        let end = self.out.len().min(self.room_at + most);
        &mut self.out[self.room_at..end]
    }

    /// Opens room for drafts: [`ROOM`] zeroed bytes (or `most`, if more)
    /// appended past the output.
    #[cold]
    #[inline(never)]
    fn open_room(&mut self, most: usize) {
        self.settle();
        let start = self.out.len();
        let room = ROOM.max(most);
        let end = start
            .saturating_add(room)
            .min(self.commit_at - 1)
            .max(start);
        self.out.resize(end, 0);
        self.room_at = start;
    }

    /// Keeps the first `len` bytes of the last [`Framer::draft_room`].
    #[inline]
    pub(crate) fn keep_draft(&mut self, len: usize) {
        self.room_at += len;
    }

    pub(crate) fn start_framing(&mut self) {
        self.set_framing(true);
    }

    fn set_framing(&mut self, framing: bool) {
        self.framing = framing;
        if framing && self.frame_start.is_none() {
            self.open_frame();
        }
    }

    fn open_frame(&mut self) {
        let start = self.out.len();
        self.frame_start = Some(start);
        self.commit_at = start + FRAME_HEADER_SIZE + FRAME_SIZE_TARGET;
        self.out.extend_from_slice(&[0xFE; FRAME_HEADER_SIZE]);
    }

    #[inline]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.settle();
        self.out.extend_from_slice(bytes);
    }

    /// Writes the first `len` of `bytes`, with one fixed-size copy (a few
    /// stores) rather than one whose length depends on the value.
    #[inline]
    pub(crate) fn write_first<const N: usize>(&mut self, bytes: [u8; N], len: usize) {
        self.settle();
        let start = self.out.len();
        self.out.extend_from_slice(&bytes);
        self.out.truncate(start + len);
    }

    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        self.settle();
        self.out.push(b);
    }

    #[inline(always)]
    pub(crate) fn op(&mut self, op: Opcode) {
        self.byte(op.byte());
    }

    /// `SHORT_BINUNICODE`, `text` (at most 255 bytes) and `MEMOIZE`.
    #[inline(always)]
    pub(crate) fn short_str(&mut self, text: &[u8]) {
        self.short_str_after(&[], text);
    }

    /// `prefix` (empty, or an attribute name's `BINGET`), then
    /// `SHORT_BINUNICODE`, `text` (at most 255 bytes) and `MEMOIZE`. A text
    /// of up to 16 bytes is written by [`short_str_into`] over 24 zero
    /// bytes appended at once (a few stores), then cut to length.
    #[inline(always)]
    pub(crate) fn short_str_after(&mut self, prefix: &[u8], text: &[u8]) {
        self.settle();
        if text.len() > 16 {
            self.out.reserve(prefix.len() + text.len() + 3);
            self.out.extend_from_slice(prefix);
            self.out
                .extend_from_slice(&[Opcode::ShortBinUnicode.byte(), text.len() as u8]);
            self.out.extend_from_slice(text);
            self.out.push(Opcode::Memoize.byte());
            return;
        }
        let start = self.out.len();
        self.out.extend_from_slice(&[0; 24]);
        // 24 bytes are the room `short_str_into` asks for.
        if let Some(written) = short_str_into(&mut self.out[start..], prefix, text) {
            self.out.truncate(start + written);
        }
    }

    /// How many bytes the buffer holds (all the output so far, for `to_vec`).
    #[inline]
    pub(crate) fn buffered(&self) -> usize {
        self.out.len().min(self.room_at)
    }

    /// After `done` of `total` items of a slice were written from `start`
    /// on, makes room for the rest at the rate so far (and an eighth more),
    /// when writing to a `Vec` that has less: growing by doubling instead
    /// copies the whole output about once more, a fifth of the time of a
    /// large `to_vec` of records once the heap is warm. An estimate that
    /// turns out too large is given back by [`Framer::finish`]; one beyond
    /// [`MAX_EXPECTED`] is not made. (Dicts and `Value` lists do not ask:
    /// for a tree of `Value`s, the early large buffer measured slower than
    /// doubling.)
    #[inline]
    pub(crate) fn expect_more(&mut self, start: usize, done: usize, total: usize) {
        if self.sink.is_some() || done == 0 {
            return;
        }
        self.settle();
        let written = self.out.len().saturating_sub(start);
        let rest = (written / done).saturating_mul(total - done);
        if rest > self.out.capacity() - self.out.len() {
            self.reserve_ahead(rest);
        }
    }

    /// Makes room for `rest` more bytes (an estimate), and some.
    #[cold]
    #[inline(never)]
    fn reserve_ahead(&mut self, rest: usize) {
        // At least half again the buffer: estimates that each ask a little
        // more (many long lists one after another) must not copy the whole
        // output each time.
        let rest = rest.saturating_add(rest / 8).max(self.out.capacity() / 2);
        if rest <= MAX_EXPECTED {
            // Only a hint: on failure, the writes grow the buffer as usual.
            let _ = self.out.try_reserve_exact(rest);
        }
    }

    /// Whether `n` more bytes keep the open frame below the size at which a
    /// boundary commits it (always true when not framing).
    #[inline]
    pub(crate) fn fits_in_frame(&self, n: usize) -> bool {
        self.buffered() + n < self.commit_at
    }

    /// `_Pickler_OpcodeBoundary`: commits the open frame once it is full.
    #[inline(always)]
    pub(crate) fn boundary(&mut self) -> Result<()> {
        // Room for drafts ends before the commit point: no need to close it.
        if self.out.len() >= self.commit_at {
            return self.end_full_frame();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn end_full_frame(&mut self) -> Result<()> {
        self.settle();
        self.commit_frame();
        self.flush_to_sink()?;
        self.reopen();
        Ok(())
    }

    /// Opens the next frame after a commit, when framing.
    fn reopen(&mut self) {
        if self.framing {
            self.open_frame();
        }
    }

    /// `_Pickler_CommitFrame`, without opening the next frame.
    fn commit_frame(&mut self) {
        let Some(start) = self.frame_start.take() else {
            return;
        };
        self.epoch += 1;
        self.commit_at = usize::MAX;
        let len = self.out.len() - start - FRAME_HEADER_SIZE;
        if len >= FRAME_SIZE_MIN {
            self.out[start] = Opcode::Frame.byte();
            self.out[start + 1..start + FRAME_HEADER_SIZE]
                .copy_from_slice(&(len as u64).to_le_bytes());
        } else {
            self.out.drain(start..start + FRAME_HEADER_SIZE);
        }
    }

    /// `_Pickler_write_bytes`: a header and a payload, the payload outside any
    /// frame when it is 64 KiB or more.
    pub(crate) fn write_payload(&mut self, header: &[u8], payload: &[u8]) -> Result<()> {
        self.settle();
        if payload.len() < FRAME_SIZE_TARGET {
            self.write(header);
            self.out.extend_from_slice(payload);
            return Ok(());
        }
        self.commit_frame();
        // Room for the payload and for what follows it (a frame's worth, and
        // the next frame's header, which `reopen` writes): growing the
        // buffer after the payload would copy the payload again.
        let inline = if self.sink.is_none() {
            payload.len() + FRAME_SIZE_TARGET
        } else {
            0
        };
        self.out.reserve(header.len() + inline + FRAME_HEADER_SIZE);
        self.out.extend_from_slice(header);
        if self.sink.is_some() {
            self.flush_to_sink()?;
            if let Some(sink) = self.sink.as_mut() {
                sink.write_all(payload).map_err(Error::io)?;
            }
        } else {
            self.out.extend_from_slice(payload);
        }
        self.reopen();
        Ok(())
    }

    /// Commits the open frame and writes `bytes` after it, outside any frame
    /// (`pickletools.optimize` writes an opcode larger than a frame this way).
    pub(crate) fn write_unframed(&mut self, bytes: &[u8]) {
        self.settle();
        self.commit_frame();
        self.out.extend_from_slice(bytes);
        self.reopen();
    }

    fn flush_to_sink(&mut self) -> Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            if self.frame_start.is_none() && !self.out.is_empty() {
                sink.write_all(&self.out).map_err(Error::io)?;
                self.out.clear();
                self.epoch += 1;
            }
        }
        Ok(())
    }

    /// Commits the last frame and flushes; returns what was not sent to a sink.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>> {
        self.settle();
        self.commit_frame();
        self.flush_to_sink()?;
        if let Some(sink) = self.sink.as_mut() {
            sink.flush().map_err(Error::io)?;
        }
        // Doubling leaves at most half unused; give back a larger excess,
        // left by an estimate of `expect_more` that was too large.
        if self.out.capacity() / 2 > self.out.len() {
            self.out.shrink_to_fit();
        }
        Ok(self.out)
    }
}

/// The room [`short_str_into`] needs for `prefix` and `text`: the text's
/// own bytes, or 16 for a shorter one (its word copies), and 3 more.
#[inline(always)]
fn short_str_room(prefix: &[u8], text: &[u8]) -> usize {
    prefix.len() + text.len().max(16) + 3
}

/// Writes `prefix` (empty or two bytes), `SHORT_BINUNICODE`, the length,
/// `text` (at most 255 bytes) and `MEMOIZE` at the start of `room`, and
/// returns how many bytes it wrote; `None` (nothing written) if `room` has
/// fewer than [`short_str_room`] bytes. A text of up to 16
/// bytes goes in as two overlapping whole-word copies, so that no write
/// depends on the length but where it goes (assembled in a buffer and
/// copied, the bytes were read back before their writes were done, and the
/// processor stalled on every string).
#[inline(always)]
pub(crate) fn short_str_into(room: &mut [u8], prefix: &[u8], text: &[u8]) -> Option<usize> {
    let len = text.len();
    let room = room.get_mut(..short_str_room(prefix, text))?;
    let at = prefix.len() + 2;
    room[..at - 2].copy_from_slice(prefix);
    room[at - 2] = Opcode::ShortBinUnicode.byte();
    room[at - 1] = len as u8;
    if len <= 16 {
        let body = &mut room[at..at + 16];
        if len >= 8 {
            body[..8].copy_from_slice(&text[..8]);
            body[len - 8..len].copy_from_slice(&text[len - 8..]);
        } else if len >= 4 {
            body[..4].copy_from_slice(&text[..4]);
            body[len - 4..len].copy_from_slice(&text[len - 4..]);
        } else if len >= 2 {
            body[..2].copy_from_slice(&text[..2]);
            body[len - 2..len].copy_from_slice(&text[len - 2..]);
        } else if let [b] = text {
            body[0] = *b;
        }
    } else {
        room[at..at + len].copy_from_slice(text);
    }
    room[at + len] = Opcode::Memoize.byte();
    Some(at + len + 1)
}
