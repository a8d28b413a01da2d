//! Globals and objects built by calls: `save_global` and `save_reduce`.

use super::{Key, Pickler};
use crate::compat;
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::value::PyStr;
use crate::ToPickle;

impl Pickler<'_> {
    /// Writes a global (a class or function) `module.name`, as CPython's
    /// `save_global` does for an object of a C extension (such as
    /// `datetime.date` or `collections.OrderedDict`): the module name is
    /// interned, the name is a new string. A global is memoized by its name,
    /// so writing it again fetches it from the memo.
    pub fn write_global(&mut self, module: &str, name: &str) -> Result<()> {
        self.out.boundary()?;
        self.global(module, name, false)
    }

    /// Writes a class defined in Python, `module.qualname`: like
    /// [`Pickler::write_global`], but the class name is interned as Python
    /// interns the names of the classes it compiles.
    pub fn write_class(&mut self, module: &str, qualname: &str) -> Result<()> {
        self.out.boundary()?;
        self.global(module, qualname, true)
    }

    pub(crate) fn global(&mut self, module: &str, name: &str, interned_name: bool) -> Result<()> {
        if self.get_if_memoized(Some(Key::Global(module, name))) {
            return Ok(());
        }
        if self.proto >= 2 {
            if let Some(code) = self
                .extensions
                .as_deref()
                .and_then(|ext| ext.code(&PyStr::from(module), &PyStr::from(name)))
            {
                // EXT opcodes are not memoized.
                let bytes = code.to_le_bytes();
                if code <= 0xff {
                    self.out.write(&[Opcode::Ext1.byte(), bytes[0]]);
                } else if code <= 0xffff {
                    self.out.write(&[Opcode::Ext2.byte(), bytes[0], bytes[1]]);
                } else {
                    self.out.op(Opcode::Ext4);
                    self.out.write(&bytes);
                }
                return Ok(());
            }
        }
        if self.proto >= 4 {
            self.out.boundary()?;
            self.interned_str(module)?;
            self.out.boundary()?;
            if interned_name {
                self.interned_str(name)?;
            } else {
                self.str_bytes(name.as_bytes(), None)?;
                self.put(None)?;
            }
            self.out.op(Opcode::StackGlobal);
        } else if let Some((parent, last)) = name.rsplit_once('.') {
            // A nested qualname before protocol 4: `getattr(parent, last)`.
            self.reduce_with(("builtins", "getattr"), None, |p| {
                p.out.boundary()?;
                p.tuple_with(None, 2, |p, i| {
                    p.out.boundary()?;
                    if i == 0 {
                        p.global(module, parent, interned_name)
                    } else {
                        p.write_str_object(last)
                    }
                })
            })?;
        } else {
            let (m, n) = if self.proto < 3 {
                compat::to_python2(module, name).unwrap_or((module, name))
            } else {
                (module, name)
            };
            for (what, text) in [("module", m), ("global", n)] {
                // `GLOBAL` holds each name on a line of its own, which the
                // reader (like CPython's) refuses when empty.
                if text.is_empty() || text.contains('\n') {
                    return Err(Error::new(
                        ErrorKind::Unpicklable,
                        format!("can't pickle {what} identifier `{text}`: it is empty or holds a newline"),
                    ));
                }
                if self.proto != 3 && !text.is_ascii() {
                    return Err(Error::new(
                        ErrorKind::Unpicklable,
                        format!(
                            "can't pickle {what} identifier `{text}` using pickle protocol {}",
                            self.proto
                        ),
                    ));
                }
            }
            let mut line = Vec::with_capacity(m.len() + n.len() + 3);
            line.push(Opcode::Global.byte());
            line.extend_from_slice(m.as_bytes());
            line.push(b'\n');
            line.extend_from_slice(n.as_bytes());
            line.push(b'\n');
            self.out.write(&line);
        }
        self.put(Some(Key::Global(module, name)))
    }

    /// Writes `module.name(*args)`: an object whose `__reduce__` returns
    /// `(global, args)`, as CPython writes `decimal.Decimal`, `complex` or
    /// `datetime.date` (classes implemented in C, whose names are not interned).
    /// The object is new: it is memoized, and written again if written again.
    pub fn write_reduce(&mut self, module: &str, name: &str, args: &[&dyn ToPickle]) -> Result<()> {
        self.out.boundary()?;
        self.reduce_with((module, name), None, |p| {
            p.out.boundary()?;
            p.tuple_with(None, args.len(), |p, i| args[i].to_pickle(p))
        })
    }

    /// Like [`Pickler::write_reduce`], for an object that is one object in
    /// Python however often it is used, such as `datetime.timezone.utc`: the
    /// first write is memoized under `identity`, later ones fetch it.
    pub fn write_singleton(
        &mut self,
        identity: &str,
        module: &str,
        name: &str,
        args: &[&dyn ToPickle],
    ) -> Result<()> {
        self.out.boundary()?;
        let key = Some(Key::Singleton(identity));
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.reduce_with((module, name), key, |p| {
            p.out.boundary()?;
            p.tuple_with(None, args.len(), |p, i| args[i].to_pickle(p))
        })
    }

    /// A new `str` object, memoized (the inner part of `write_str`).
    fn write_str_object(&mut self, text: &str) -> Result<()> {
        self.str_bytes(text.as_bytes(), None)?;
        self.put(None)
    }

    /// `save_reduce(callable, args, obj)`: the callable (a global), the
    /// argument tuple written by `args`, `REDUCE`, then the object memoized
    /// under `key`, or fetched back if writing the arguments reached it.
    pub(crate) fn reduce_with<F>(
        &mut self,
        callable: (&str, &str),
        key: Option<Key<'_>>,
        args: F,
    ) -> Result<()>
    where
        F: FnOnce(&mut Self) -> Result<()>,
    {
        self.out.boundary()?;
        self.global(callable.0, callable.1, false)?;
        args(self)?;
        self.out.op(Opcode::Reduce);
        self.memoize_built(key)
    }

    /// After an object was built on the stack: fetch it back if it was
    /// memoized meanwhile (it was reached from inside itself), else memoize it.
    pub(crate) fn memoize_built(&mut self, key: Option<Key<'_>>) -> Result<()> {
        if let Some(idx) = key.and_then(|k| self.lookup(k)) {
            self.out.op(Opcode::Pop);
            self.write_get(idx);
            return Ok(());
        }
        self.put(key)
    }

    /// `bytes` before protocol 3: `_codecs.encode(text, 'latin1')`, or
    /// `bytes()` when empty.
    pub(crate) fn reduce_builtin_bytes(&mut self, v: &[u8], key: Option<Key<'_>>) -> Result<()> {
        if v.is_empty() {
            return self.reduce_with(("builtins", "bytes"), key, |p| {
                p.out.boundary()?;
                p.tuple_with(None, 0, |_, _| Ok(()))
            });
        }
        let latin1 = PyStr::from_code_points(v.iter().map(|&b| b as u32)).unwrap_or_default();
        self.reduce_with(("_codecs", "encode"), key, |p| {
            p.out.boundary()?;
            p.tuple_with(None, 2, |p, i| {
                p.out.boundary()?;
                if i == 0 {
                    p.py_str(&latin1, None)
                } else {
                    p.interned_str("latin1")
                }
            })
        })
    }

    /// `bytearray` before protocol 5: `bytearray(bytes)`, or `bytearray()` when empty.
    pub(crate) fn reduce_builtin_bytearray(
        &mut self,
        v: &[u8],
        key: Option<Key<'_>>,
    ) -> Result<()> {
        self.reduce_with(("builtins", "bytearray"), key, |p| {
            p.out.boundary()?;
            if v.is_empty() {
                p.tuple_with(None, 0, |_, _| Ok(()))
            } else {
                p.tuple_with(None, 1, |p, _| {
                    p.out.boundary()?;
                    p.bytes(v, None)
                })
            }
        })
    }
}
