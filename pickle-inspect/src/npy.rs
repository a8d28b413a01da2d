//! numpy's `.npy` format: `\x93NUMPY`, a version, a header that is a Python
//! dict literal (`{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}`),
//! then the array: raw bytes, exactly as many as the shape and dtype say,
//! or, for a dtype that holds objects, a pickle of the array (which
//! `numpy.load(allow_pickle=True)` unpickles).

use crate::container::{pickles, unreadable, Options};
use crate::report::{Content, Location, Part};

pub(crate) fn scan(bytes: &[u8], location: Location, opts: &Options, parts: &mut Vec<Part>) {
    match header(bytes) {
        Ok((header, start)) => {
            let data = &bytes[start..];
            match layout(&header) {
                Ok(Layout::Objects) => {
                    let mut at = location;
                    at.push(format!("(pickle of the array, from byte {start})"));
                    parts.push(pickles(data, at, "npy", opts));
                }
                Ok(Layout::Raw(size)) if size == data.len() as u64 => parts.push(Part {
                    location,
                    format: "npy",
                    content: Content::Data(format!("array of {size} bytes")),
                }),
                Ok(Layout::Raw(size)) => parts.push(unreadable(
                    location,
                    "npy",
                    format!(
                        "{} bytes of array data where the header says {size}",
                        data.len()
                    ),
                )),
                Err(why) => parts.push(unreadable(location, "npy", why)),
            }
        }
        Err(why) => parts.push(unreadable(location, "npy", why)),
    }
}

/// The header literal and where the data starts.
fn header(bytes: &[u8]) -> Result<(Lit, usize), String> {
    let bad = |why: &str| format!("a .npy header that cannot be read: {why}");
    let (len, start) = match bytes.get(6) {
        Some(1) => (
            bytes
                .get(8..10)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize),
            10,
        ),
        Some(2 | 3) => (
            bytes
                .get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
            12,
        ),
        _ => return Err(bad("unknown version")),
    };
    let len = len.ok_or_else(|| bad("truncated"))?;
    let text = bytes
        .get(start..start + len)
        .ok_or_else(|| bad("truncated"))?;
    let text = std::str::from_utf8(text).map_err(|_| bad("not text"))?;
    let mut parser = Parser {
        s: text.trim_end().as_bytes(),
        i: 0,
    };
    let lit = parser.literal().ok_or_else(|| bad("not a dict literal"))?;
    Ok((lit, start + len))
}

enum Layout {
    Raw(u64),
    Objects,
}

fn layout(header: &Lit) -> Result<Layout, String> {
    let bad = |what: &str| format!("a .npy header whose {what} the scan cannot read");
    let Lit::Dict(entries) = header else {
        return Err(bad("dict"));
    };
    let get = |key: &str| {
        entries
            .iter()
            .find(|(k, _)| matches!(k, Lit::Str(s) if s == key))
            .map(|(_, v)| v)
    };
    let descr = get("descr").ok_or_else(|| bad("descr"))?;
    let Some(Lit::Tuple(dims)) = get("shape") else {
        return Err(bad("shape"));
    };
    let mut count: u64 = 1;
    for d in dims {
        let Lit::Int(n) = d else {
            return Err(bad("shape"));
        };
        count = u64::try_from(*n)
            .ok()
            .and_then(|n| count.checked_mul(n))
            .ok_or_else(|| bad("shape"))?;
    }
    match itemsize(descr) {
        Some(None) => Ok(Layout::Objects),
        Some(Some(size)) => count
            .checked_mul(size)
            .map(Layout::Raw)
            .ok_or_else(|| bad("size")),
        None => Err(bad("descr")),
    }
}

/// The size of one item of `descr`, or `Some(None)` when it holds objects.
fn itemsize(descr: &Lit) -> Option<Option<u64>> {
    match descr {
        Lit::Str(t) => {
            let t = t.trim_start_matches(['<', '>', '|', '=']);
            let kind = t.chars().next()?;
            if kind == 'O' {
                return Some(None);
            }
            let digits: String = t[1..].chars().take_while(char::is_ascii_digit).collect();
            let n: u64 = if digits.is_empty() && kind == '?' {
                1
            } else {
                digits.parse().ok()?
            };
            Some(Some(if kind == 'U' { 4 * n } else { n }))
        }
        // Structured: [(name, descr), (name, descr, shape), ...]
        Lit::List(fields) => {
            let mut total: u64 = 0;
            for f in fields {
                let Lit::Tuple(parts) = f else { return None };
                let size = itemsize(parts.get(1)?)?;
                let Some(size) = size else { return Some(None) };
                let mut n = 1u64;
                if let Some(Lit::Tuple(shape)) = parts.get(2) {
                    for d in shape {
                        let Lit::Int(d) = d else { return None };
                        n = n.checked_mul(u64::try_from(*d).ok()?)?;
                    }
                }
                total = total.checked_add(size.checked_mul(n)?)?;
            }
            Some(Some(total))
        }
        _ => None,
    }
}

/// The Python literals a `.npy` header uses.
#[derive(Debug, PartialEq)]
enum Lit {
    Str(String),
    Int(i64),
    Bool,
    None,
    Tuple(Vec<Lit>),
    List(Vec<Lit>),
    Dict(Vec<(Lit, Lit)>),
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.s.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_space();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Items up to `close`, separated by commas (a trailing one allowed).
    fn items<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        loop {
            if self.eat(close) {
                return Some(out);
            }
            out.push(item(self)?);
            if !self.eat(b',') {
                return self.eat(close).then_some(out);
            }
        }
    }

    fn literal(&mut self) -> Option<Lit> {
        self.skip_space();
        let c = *self.s.get(self.i)?;
        match c {
            b'{' => {
                self.i += 1;
                let entries = self.items(b'}', |p| {
                    let k = p.literal()?;
                    p.eat(b':').then_some(())?;
                    Some((k, p.literal()?))
                })?;
                Some(Lit::Dict(entries))
            }
            b'(' => {
                self.i += 1;
                Some(Lit::Tuple(self.items(b')', Self::literal)?))
            }
            b'[' => {
                self.i += 1;
                Some(Lit::List(self.items(b']', Self::literal)?))
            }
            b'\'' | b'"' => {
                let end = self.s[self.i + 1..].iter().position(|&b| b == c)? + self.i + 1;
                let text = std::str::from_utf8(&self.s[self.i + 1..end]).ok()?;
                if text.contains('\\') {
                    return None;
                }
                self.i = end + 1;
                Some(Lit::Str(text.to_owned()))
            }
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
                {
                    self.i += 1;
                }
                match std::str::from_utf8(&self.s[start..self.i]).ok()? {
                    "True" | "False" => Some(Lit::Bool),
                    "None" => Some(Lit::None),
                    word => word.trim_end_matches('L').parse().ok().map(Lit::Int),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_numpy_writes() {
        let mut p = Parser {
            s: b"{'descr': [('a', '<i4'), ('b', '<f8', (2, 3))], 'fortran_order': False, 'shape': (10,), }",
            i: 0,
        };
        let lit = p.literal().unwrap();
        match layout(&lit) {
            Ok(Layout::Raw(n)) => assert_eq!(n, 10 * (4 + 8 * 6)),
            _ => panic!("{lit:?}"),
        }
        let mut p = Parser {
            s: b"{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }",
            i: 0,
        };
        assert!(matches!(layout(&p.literal().unwrap()), Ok(Layout::Objects)));
        let mut p = Parser {
            s: b"{'descr': '<U3', 'fortran_order': True, 'shape': (), }",
            i: 0,
        };
        assert!(matches!(layout(&p.literal().unwrap()), Ok(Layout::Raw(12))));
    }
}
