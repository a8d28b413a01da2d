//! Where the reader's bytes come from: a slice, or a `std::io::Read`.
//!
//! The machine asks for bytes by count or by line and gets back a [`Span`]
//! into [`Source::data`], so that strings read from a slice are borrowed, not
//! copied. A reader source keeps the bytes of the current pickle in a buffer;
//! it reads exactly as far as the pickle goes, so the next pickle in the same
//! stream is left in place, and it grows its buffer only as data actually
//! arrives, so a huge declared length on a short stream allocates nothing.

use std::io::Read;

use crate::error::{Error, ErrorKind, Result};

/// A range of [`Source::data`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: usize,
    pub(crate) len: usize,
}

impl Span {
    pub(crate) fn of<'d>(&self, data: &'d [u8]) -> &'d [u8] {
        &data[self.start..self.start + self.len]
    }
}

/// The input ended at `end`, inside a pickle.
pub(crate) fn truncated(end: u64) -> Error {
    Error::at(ErrorKind::Truncated, end, "pickle data was truncated")
}

pub(crate) trait Source {
    /// Offset of the next byte in the pickle.
    fn pos(&self) -> u64;
    /// The next byte, or `None` at the end of input.
    fn next_byte(&mut self) -> Result<Option<u8>>;
    /// The next `n` bytes. `budget` is how much more the caller may allocate.
    fn take(&mut self, n: usize, budget: usize) -> Result<Span>;
    /// The bytes up to and including the next newline.
    fn line(&mut self, budget: usize) -> Result<Span>;
    /// Makes sure the next `n` bytes exist without consuming them (`FRAME`).
    fn ensure(&mut self, n: usize, budget: usize) -> Result<()>;
    /// Everything read so far; spans index into it.
    fn data(&self) -> &[u8];
    /// How many bytes are left, when the source knows (a slice does).
    fn remaining(&self) -> Option<usize>;
    /// The next byte without reading it, where that costs nothing (a slice).
    fn peek_byte(&self) -> Option<u8> {
        None
    }
}

pub(crate) struct SliceSource<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> SliceSource<'a> {
    pub(crate) fn new(data: &'a [u8]) -> SliceSource<'a> {
        SliceSource { data, pos: 0 }
    }

    /// The bytes of `data` from `pos` on.
    pub(crate) fn at(data: &'a [u8], pos: usize) -> SliceSource<'a> {
        SliceSource {
            data,
            pos: pos.min(data.len()),
        }
    }
}

impl Source for SliceSource<'_> {
    #[inline]
    fn pos(&self) -> u64 {
        self.pos as u64
    }

    #[inline]
    fn next_byte(&mut self) -> Result<Option<u8>> {
        let b = self.data.get(self.pos).copied();
        self.pos += b.is_some() as usize;
        Ok(b)
    }

    #[inline]
    fn take(&mut self, n: usize, _budget: usize) -> Result<Span> {
        if n > self.data.len() - self.pos {
            return Err(truncated(self.data.len() as u64));
        }
        let span = Span {
            start: self.pos,
            len: n,
        };
        self.pos += n;
        Ok(span)
    }

    fn line(&mut self, _budget: usize) -> Result<Span> {
        match self.data[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let span = Span {
                    start: self.pos,
                    len: i + 1,
                };
                self.pos += i + 1;
                Ok(span)
            }
            None => Err(truncated(self.data.len() as u64)),
        }
    }

    fn ensure(&mut self, n: usize, _budget: usize) -> Result<()> {
        if n > self.data.len() - self.pos {
            return Err(truncated(self.data.len() as u64));
        }
        Ok(())
    }

    #[inline]
    fn data(&self) -> &[u8] {
        self.data
    }

    #[inline]
    fn remaining(&self) -> Option<usize> {
        Some(self.data.len() - self.pos)
    }

    #[inline]
    fn peek_byte(&self) -> Option<u8> {
        self.data.get(self.pos).copied()
    }
}

/// Reads from a `Read`, keeping the current pickle's bytes.
pub(crate) struct ReaderSource<R> {
    reader: R,
    buf: Vec<u8>,
    /// Bytes of `buf` the machine has consumed; the rest was read ahead by `ensure`.
    pos: usize,
}

impl<R: Read> ReaderSource<R> {
    pub(crate) fn new(reader: R) -> ReaderSource<R> {
        ReaderSource {
            reader,
            buf: Vec::new(),
            pos: 0,
        }
    }

    /// Reads until `buf` holds `want` bytes past `pos`, in chunks, so that
    /// memory grows only with data that really arrives.
    fn fill(&mut self, want: usize, budget: usize) -> Result<()> {
        let have = self.buf.len() - self.pos;
        if have >= want {
            return Ok(());
        }
        let missing = want - have;
        if missing > budget {
            return Err(Error::at(
                ErrorKind::LengthLimit,
                self.pos as u64,
                format!("a declared length of {want} bytes exceeds the allocation limit"),
            ));
        }
        let mut left = missing;
        let mut chunk = [0u8; 8192];
        while left > 0 {
            let n = left.min(chunk.len());
            let got = loop {
                match self.reader.read(&mut chunk[..n]) {
                    Ok(got) => break got,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(e).with_offset(self.buf.len() as u64)),
                }
            };
            if got == 0 {
                return Err(truncated(self.buf.len() as u64));
            }
            self.buf.extend_from_slice(&chunk[..got]);
            left -= got;
        }
        Ok(())
    }
}

impl<R: Read> Source for ReaderSource<R> {
    fn pos(&self) -> u64 {
        self.pos as u64
    }

    fn next_byte(&mut self) -> Result<Option<u8>> {
        if self.pos == self.buf.len() {
            let mut byte = [0u8; 1];
            let got = loop {
                match self.reader.read(&mut byte) {
                    Ok(got) => break got,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(Error::io(e).with_offset(self.pos as u64)),
                }
            };
            if got == 0 {
                return Ok(None);
            }
            self.buf.push(byte[0]);
        }
        self.pos += 1;
        Ok(Some(self.buf[self.pos - 1]))
    }

    fn take(&mut self, n: usize, budget: usize) -> Result<Span> {
        self.fill(n, budget)?;
        let span = Span {
            start: self.pos,
            len: n,
        };
        self.pos += n;
        Ok(span)
    }

    fn line(&mut self, budget: usize) -> Result<Span> {
        let start = self.pos;
        let mut used = 0usize;
        loop {
            match self.next_byte()? {
                Some(b'\n') => {
                    return Ok(Span {
                        start,
                        len: self.pos - start,
                    })
                }
                Some(_) => {
                    used += 1;
                    if used > budget {
                        return Err(Error::at(
                            ErrorKind::LengthLimit,
                            start as u64,
                            "a text line exceeds the allocation limit",
                        ));
                    }
                }
                None => return Err(truncated(self.pos as u64)),
            }
        }
    }

    fn ensure(&mut self, n: usize, budget: usize) -> Result<()> {
        self.fill(n, budget)
    }

    fn data(&self) -> &[u8] {
        &self.buf
    }

    fn remaining(&self) -> Option<usize> {
        None
    }
}
