//! Globals and objects built by calls: `save_global` and `save_reduce`.

use super::{Key, Pickler};
use crate::compat;
use crate::error::{Error, ErrorKind, Result};
use crate::opcode::Opcode;
use crate::value::PyStr;
use crate::ToPickle;

/// What object a global is in Python, which decides which objects its
/// module name and name are when `save_global` writes them at protocol 4
/// and above (where each is a string that the memo may share).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A class defined in Python: its module name and name are interned.
    Python,
    /// A type of a C extension (`datetime.date`, `collections.OrderedDict`):
    /// its module name is interned (a string of the type's own for the heap
    /// types the dialect names), its name a new string.
    CType,
    /// A function of a C module (`builtins.getattr`): its module name is
    /// that module's own `__name__` object, apart from the interned one
    /// classes share; its name a new string.
    CFunction,
}

impl Origin {
    /// The origin of a global known by name only: the C functions the
    /// writer itself calls are known as such, anything else is taken for a
    /// type of a C extension.
    pub(crate) fn of_global(module: &str, name: &str) -> Origin {
        match (module, name) {
            ("builtins", "getattr") | ("_codecs", "encode") => Origin::CFunction,
            _ => Origin::CType,
        }
    }
}

impl Pickler<'_> {
    /// Writes a global (a class or function) `module.name`, as CPython's
    /// `save_global` does for an object of a C extension (such as
    /// `datetime.date` or `collections.OrderedDict`): the module name is
    /// interned, the name is a new string. A global is memoized by its name,
    /// so writing it again fetches it from the memo.
    pub fn write_global(&mut self, module: &str, name: &str) -> Result<()> {
        self.out.boundary()?;
        self.global(module, name, Origin::CType)
    }

    /// Writes a class defined in Python, `module.qualname`: like
    /// [`Pickler::write_global`], but the class name is interned as Python
    /// interns the names of the classes it compiles.
    pub fn write_class(&mut self, module: &str, qualname: &str) -> Result<()> {
        self.out.boundary()?;
        self.global(module, qualname, Origin::Python)
    }

    pub(crate) fn global(&mut self, module: &str, name: &str, origin: Origin) -> Result<()> {
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
            match origin {
                Origin::CType if self.dialect.own_module_name(module, name) => {
                    self.write_str_object(module)?;
                }
                Origin::CFunction => {
                    let key = format!("module name of the functions of `{module}`");
                    self.singleton_str(&key, module)?;
                }
                _ => self.interned_str(module)?,
            }
            self.out.boundary()?;
            if origin == Origin::Python {
                self.interned_str(name)?;
            } else {
                self.write_str_object(name)?;
            }
            self.out.op(Opcode::StackGlobal);
        } else if let Some((parent, last)) = name.rsplit_once('.') {
            let key = Some(Key::Global(module, name));
            if self.dialect.nested_by_name_only {
                return self.nested_by_name(module, name, key);
            }
            // A nested qualname before protocol 4: `getattr(parent, last)`,
            // whose result is the class, memoized once (`save_reduce` without
            // an object, then `memoize(obj)` in `save_global`).
            return self.reduce_with(("builtins", "getattr"), key, |p| {
                p.out.boundary()?;
                p.tuple_with(None, 2, |p, i| {
                    p.out.boundary()?;
                    if i == 0 {
                        p.global(module, parent, origin)
                    } else {
                        p.write_str(last)
                    }
                })
            });
        } else {
            self.global_line(module, name)?;
        }
        self.put(Some(Key::Global(module, name)))
    }

    /// `GLOBAL module\nname\n`, with Python 2 names below protocol 3.
    fn global_line(&mut self, module: &str, name: &str) -> Result<()> {
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
                    format!(
                        "can't pickle {what} identifier `{text}`: it is empty or holds a newline"
                    ),
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
        Ok(())
    }

    /// A nested qualname below protocol 4 as CPython 3.13 writes it:
    /// `getattr(getattr(Outer, 'Middle'), 'Inner')`, with `Outer` by name
    /// and not memoized, nor the argument tuples; only the class is.
    fn nested_by_name(&mut self, module: &str, name: &str, key: Option<Key<'_>>) -> Result<()> {
        let mut parts = name.split('.');
        let top = parts.next().unwrap_or(name);
        let attrs: Vec<&str> = parts.collect();
        for _ in &attrs {
            self.global("builtins", "getattr", Origin::CFunction)?;
            if self.proto < 2 {
                self.out.op(Opcode::Mark);
            }
        }
        self.global_line(module, top)?;
        for attr in attrs {
            self.write_str(attr)?;
            self.out.op(if self.proto < 2 {
                Opcode::Tuple
            } else {
                Opcode::Tuple2
            });
            self.out.op(Opcode::Reduce);
        }
        self.put(key)
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

    /// Writes `module.name(*args)` given `state` (`BUILD`): an object whose
    /// `__reduce__` returns `(global, args, state)`, as numpy writes its
    /// dtypes and, below protocol 5, its arrays. With an `identity`, the
    /// object is one object in Python however often it is used (as with
    /// [`Pickler::write_singleton`]): the first write is memoized under it,
    /// later ones fetch it, without its state.
    ///
    /// ```
    /// use pickle_core::{Pickler, Protocol, ToPickle};
    ///
    /// /// A `functools.partial(operator.add, 1, 2)`.
    /// struct AddPartial(i64, i64);
    ///
    /// impl ToPickle for AddPartial {
    ///     fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    ///         struct Add;
    ///         impl ToPickle for Add {
    ///             fn to_pickle(&self, p: &mut Pickler<'_>) -> pickle_core::Result<()> {
    ///                 p.write_global("_operator", "add")
    ///             }
    ///         }
    ///         let keywords = std::collections::BTreeMap::<String, i64>::new();
    ///         // (func, args, keywords, __dict__)
    ///         let state = (Add, (self.0, self.1), keywords, ());
    ///         p.write_reduce_with_state(None, "functools", "partial", &[&Add], &state)
    ///     }
    /// }
    ///
    /// let bytes = pickle_core::to_vec_with(&AddPartial(1, 2), Protocol::V2)?;
    /// // pickle.dumps(functools.partial(operator.add, 1, 2), protocol=2) in CPython 3.11
    /// assert_eq!(bytes, b"\x80\x02cfunctools\npartial\nq\x00c_operator\nadd\nq\x01\x85q\x02Rq\x03(h\x01K\x01K\x02\x86q\x04}q\x05Ntq\x06b.");
    /// # Ok::<(), pickle_core::Error>(())
    /// ```
    pub fn write_reduce_with_state(
        &mut self,
        identity: Option<&str>,
        module: &str,
        name: &str,
        args: &[&dyn ToPickle],
        state: &dyn ToPickle,
    ) -> Result<()> {
        self.out.boundary()?;
        let key = identity.map(Key::Singleton);
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.reduce_with((module, name), key, |p| {
            p.out.boundary()?;
            p.tuple_with(None, args.len(), |p, i| args[i].to_pickle(p))
        })?;
        state.to_pickle(self)?;
        self.out.op(Opcode::Build);
        Ok(())
    }

    /// A new `str` object, memoized (the inner part of `write_str`).
    fn write_str_object(&mut self, text: &str) -> Result<()> {
        self.str_bytes(text.as_bytes(), None)?;
        self.put(None)
    }

    /// A `str` that is one object in Python, named `identity`: written the
    /// first time, fetched from the memo afterwards.
    fn singleton_str(&mut self, identity: &str, text: &str) -> Result<()> {
        let key = Some(Key::Singleton(identity));
        if self.get_if_memoized(key) {
            return Ok(());
        }
        self.str_bytes(text.as_bytes(), None)?;
        self.put(key)
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
        let origin = Origin::of_global(callable.0, callable.1);
        self.global(callable.0, callable.1, origin)?;
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
