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
}

impl<'w> Framer<'w> {
    pub(crate) fn new(sink: Option<&'w mut dyn Write>) -> Framer<'w> {
        Framer {
            out: Vec::with_capacity(4096),
            framing: false,
            frame_start: None,
            commit_at: usize::MAX,
            sink,
        }
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

    #[inline(always)]
    pub(crate) fn write(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    #[inline(always)]
    pub(crate) fn byte(&mut self, b: u8) {
        self.out.push(b);
    }

    #[inline(always)]
    pub(crate) fn op(&mut self, op: Opcode) {
        self.byte(op.byte());
    }

    /// `SHORT_BINUNICODE`, `text` (at most 255 bytes) and `MEMOIZE`.
    #[inline(always)]
    pub(crate) fn short_str(&mut self, text: &[u8]) {
        let len = text.len();
        if len <= 16 {
            self.out
                .extend_from_slice(&short_str_window([0; 2], 0, text));
            let end = self.out.len() - 24 + len + 3;
            self.out.truncate(end);
            return;
        }
        self.out.reserve(len + 3);
        self.out
            .extend_from_slice(&[Opcode::ShortBinUnicode.byte(), len as u8]);
        self.out.extend_from_slice(text);
        self.out.push(Opcode::Memoize.byte());
    }

    /// `prefix` (an attribute name's `BINGET`), then `SHORT_BINUNICODE`,
    /// `text` (at most 16 bytes) and `MEMOIZE`, built and appended as
    /// [`Framer::short_str`] does.
    #[inline(always)]
    pub(crate) fn short_str_after(&mut self, prefix: [u8; 2], text: &[u8]) {
        let len = text.len();
        self.out
            .extend_from_slice(&short_str_window(prefix, 2, text));
        let end = self.out.len() - 24 + len + 5;
        self.out.truncate(end);
    }

    /// How many bytes the buffer holds (all the output so far, for `to_vec`).
    #[inline]
    pub(crate) fn buffered(&self) -> usize {
        self.out.len()
    }

    /// After `done` of `total` items of a sequence were written from
    /// `start` on, makes room for the rest at the rate so far (and an
    /// eighth more), when writing to a `Vec` that has less: growing by
    /// doubling instead copies the whole output about once more, a fifth
    /// of the time of a large `to_vec`. An estimate that turns out too
    /// large is given back by [`Framer::finish`]; one beyond
    /// [`MAX_EXPECTED`] is not made.
    #[inline]
    pub(crate) fn expect_more(&mut self, start: usize, done: usize, total: usize) {
        if self.sink.is_some() || done == 0 {
            return;
        }
        let written = self.out.len().saturating_sub(start);
        let rest = (written / done).saturating_mul(total - done);
        if rest > self.out.capacity() - self.out.len() {
            self.reserve_ahead(rest);
        }
    }

    #[cold]
    #[inline(never)]
    fn reserve_ahead(&mut self, rest: usize) {
        let rest = rest.saturating_add(rest / 8);
        if rest <= MAX_EXPECTED {
            // Only a hint: on failure, the writes grow the buffer as usual.
            let _ = self.out.try_reserve_exact(rest);
        }
    }

    /// Whether `n` more bytes keep the open frame below the size at which a
    /// boundary commits it (always true when not framing).
    #[inline]
    pub(crate) fn fits_in_frame(&self, n: usize) -> bool {
        self.out.len() + n < self.commit_at
    }

    /// `_Pickler_OpcodeBoundary`: commits the open frame once it is full.
    #[inline(always)]
    pub(crate) fn boundary(&mut self) -> Result<()> {
        if self.out.len() >= self.commit_at {
            return self.end_full_frame();
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn end_full_frame(&mut self) -> Result<()> {
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
        if payload.len() < FRAME_SIZE_TARGET {
            self.write(header);
            self.out.extend_from_slice(payload);
            return Ok(());
        }
        self.commit_frame();
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
        self.commit_frame();
        self.out.extend_from_slice(bytes);
        self.reopen();
    }

    fn flush_to_sink(&mut self) -> Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            if self.frame_start.is_none() && !self.out.is_empty() {
                sink.write_all(&self.out).map_err(Error::io)?;
                self.out.clear();
            }
        }
        Ok(())
    }

    /// Commits the last frame and flushes; returns what was not sent to a sink.
    pub(crate) fn finish(mut self) -> Result<Vec<u8>> {
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

/// 24 bytes that begin with `prefix[..skip]` (its first `skip` bytes, 0
/// or 2), then `SHORT_BINUNICODE`, the length, `text` (at most 16 bytes)
/// and `MEMOIZE`; what follows is filler, to be cut off. The bytes are
/// put together in registers, from whole-word loads of `text`: built in
/// a buffer in memory with stores of several sizes, they were then read
/// back whole, and the processor stalled on every string.
#[inline(always)]
fn short_str_window(prefix: [u8; 2], skip: usize, text: &[u8]) -> [u8; 24] {
    let len = text.len();
    // `text` as a little-endian number of `len` bytes.
    let t: u128 = if len >= 8 {
        let head = u64::from_le_bytes(text[..8].try_into().unwrap_or([0; 8]));
        let tail = u64::from_le_bytes(text[len - 8..].try_into().unwrap_or([0; 8]));
        // The tail's bytes from 8 on, where they belong (it overlaps the head).
        u128::from(head) | (u128::from(tail) << (8 * (len - 8)))
    } else if len >= 4 {
        let head = u32::from_le_bytes(text[..4].try_into().unwrap_or([0; 4]));
        let tail = u32::from_le_bytes(text[len - 4..].try_into().unwrap_or([0; 4]));
        u128::from(head) | (u128::from(tail) << (8 * (len - 4)))
    } else {
        text.iter()
            .rev()
            .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
    };
    let header = u128::from(prefix[0])
        | u128::from(prefix[1]) << 8
        | u128::from(Opcode::ShortBinUnicode.byte()) << (8 * skip)
        | (len as u128) << (8 * skip + 8);
    // `text`, then `MEMOIZE`, from byte `skip + 2` on: up to 18 bytes, as
    // a 192-bit number in three words.
    let body_at = 8 * (skip + 2);
    let memo_at = 8 * (skip + 2 + len);
    let mut words = [0u64; 3];
    let mut put = |value: u128, at: usize| {
        // `value` shifted left by `at` bits, into the three words.
        let lo = if at < 128 { value << at } else { 0 };
        let hi = if at == 0 {
            0
        } else if at < 128 {
            value >> (128 - at)
        } else {
            value << (at - 128)
        };
        words[0] |= lo as u64;
        words[1] |= (lo >> 64) as u64;
        words[2] |= hi as u64;
    };
    put(header, 0);
    put(t, body_at);
    put(u128::from(Opcode::Memoize.byte()), memo_at);
    let mut out = [0u8; 24];
    out[..8].copy_from_slice(&words[0].to_le_bytes());
    out[8..16].copy_from_slice(&words[1].to_le_bytes());
    out[16..].copy_from_slice(&words[2].to_le_bytes());
    out
}
