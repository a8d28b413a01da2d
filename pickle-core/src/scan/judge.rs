//! From the machine's events to findings: each import, call, `BUILD` and
//! persistent id judged by the [`Policy`], and the structural rules that no
//! list can express (a `BUILD` on a global, a name computed by a call, a
//! call of what another call returned, a `getattr` that escapes).
//!
//! Findings of the same thing are counted, not repeated: a pickle that
//! makes a million `datetime`s reports one call with a count of a million.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::item::{Item, NameId, Tables, NO_NAME};
use super::policy::{Policy, Use};
use super::source::{text_at, text_span_at, Enc};
use super::{Action, Finding, Safety, MAX_NAME};
use crate::error::{Error, ErrorKind, Result};
use crate::ext::Extensions;
use crate::opcode::Opcode;
use crate::value::Global;

/// What follows a `BUILD` instead of the next opcode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum After {
    /// joblib's `NumpyArrayWrapper`: the array's bytes (or, for an object
    /// array, a pickle of it) follow.
    JoblibArray,
}

/// A judgement: how safe, why, and of what.
#[derive(Clone)]
struct Verdict {
    safety: Safety,
    reason: Cow<'static, str>,
    target: Arc<str>,
    global: Option<Arc<Global>>,
}

type Key = (
    u64,
    Action,
    Option<Opcode>,
    Safety,
    Arc<str>,
    Cow<'static, str>,
);

pub(super) struct Judge<'a> {
    pub(super) tables: Tables,
    policy: &'a Policy,
    input: &'a [u8],
    verdicts: HashMap<(NameId, Use), (Safety, Cow<'static, str>)>,
    pub(super) findings: Vec<Finding>,
    index: HashMap<Key, usize>,
    /// Import findings of `getattr`, settled when the stream ends.
    getattr_imports: Vec<(usize, NameId)>,
    /// The pickle being read (its first byte) and the current opcode.
    pub(super) pickle: u64,
    at: usize,
    opcode: Option<Opcode>,
    /// A note added to every reason (which reading of the frames).
    pub(super) note: Option<&'static str>,
    /// Torch storages named by persistent ids: key and storage type.
    pub(super) storages: Vec<(String, Arc<Global>)>,
}

impl<'a> Judge<'a> {
    pub(super) fn new(policy: &'a Policy, input: &'a [u8], budget: usize) -> Judge<'a> {
        Judge {
            tables: Tables::new(budget),
            policy,
            input,
            verdicts: HashMap::new(),
            findings: Vec::new(),
            index: HashMap::new(),
            getattr_imports: Vec::new(),
            pickle: 0,
            at: 0,
            opcode: None,
            note: None,
            storages: Vec::new(),
        }
    }

    pub(super) fn at(&mut self, at: usize, opcode: Opcode) {
        self.at = at;
        self.opcode = Some(opcode);
    }

    /// Records a finding at the current opcode (or adds one to its count).
    fn record(&mut self, action: Action, v: Verdict) -> usize {
        self.record_at(self.at as u64, self.opcode, action, v)
    }

    fn record_at(
        &mut self,
        offset: u64,
        opcode: Option<Opcode>,
        action: Action,
        v: Verdict,
    ) -> usize {
        let reason = match self.note {
            Some(note) => Cow::Owned(format!("{} ({note})", v.reason)),
            None => v.reason,
        };
        let key = (
            self.pickle,
            action,
            opcode,
            v.safety,
            v.target.clone(),
            reason.clone(),
        );
        if let Some(&i) = self.index.get(&key) {
            self.findings[i].count += 1;
            return i;
        }
        let i = self.findings.len();
        self.findings.push(Finding {
            offset,
            pickle: self.pickle,
            opcode,
            action,
            target: v.target,
            global: v.global,
            safety: v.safety,
            reason,
            count: 1,
        });
        self.index.insert(key, i);
        i
    }

    /// A finding not tied to an opcode: what is at `offset` cannot be read,
    /// or reads two ways.
    pub(super) fn record_stream(
        &mut self,
        offset: u64,
        action: Action,
        safety: Safety,
        target: &str,
        reason: String,
    ) {
        self.record_at(
            offset,
            None,
            action,
            Verdict {
                safety,
                reason: Cow::Owned(reason),
                target: target.into(),
                global: None,
            },
        );
    }

    fn unnamed(safety: Safety, target: &'static str, reason: &'static str) -> Verdict {
        Verdict {
            safety,
            reason: Cow::Borrowed(reason),
            target: target.into(),
            global: None,
        }
    }

    /// The policy's judgement of name `id` used as `use_`.
    fn of(&mut self, id: NameId, use_: Use) -> Verdict {
        let name = &self.tables.names[id as usize];
        let (target, global) = (name.text.clone(), name.global.clone());
        let (safety, reason) = self
            .verdicts
            .entry((id, use_))
            .or_insert_with(|| {
                if name.text.len() > MAX_NAME + 1 {
                    return (
                        Safety::Dangerous,
                        Cow::Borrowed(
                            "a name longer than any real module or class has hides what it reaches",
                        ),
                    );
                }
                let class = self.policy.judge(&global, use_);
                (class.safety, class.reason)
            })
            .clone();
        Verdict {
            safety,
            reason,
            target,
            global: Some(global),
        }
    }

    fn py3(&self, id: NameId) -> (&str, &str) {
        let g = &self.tables.names[id as usize].global;
        let (m, n) = (
            g.module.as_str().unwrap_or(""),
            g.name.as_str().unwrap_or(""),
        );
        crate::compat::to_python3(m, n).unwrap_or((m, n))
    }

    pub(super) fn buffer(&mut self) {
        let v = Self::unnamed(
            Safety::Data,
            "out-of-band buffer",
            "bytes the loader supplies",
        );
        self.record(Action::Buffer, v);
    }

    pub(super) fn import(&mut self, module: &str, name: &str) -> Result<Item> {
        let id = self.tables.intern(module, name, self.at)?;
        let v = self.of(id, Use::Import);
        if self.tables.names[id as usize].getattr {
            let v = Verdict {
                safety: Safety::Data,
                reason: Cow::Borrowed("used only to name attributes the scan resolves"),
                ..v
            };
            let i = self.record(Action::Import, v);
            self.getattr_imports.push((i, id));
        } else {
            self.record(Action::Import, v);
        }
        Ok(Item::Global(id))
    }

    /// The text of a `str` item, if it is one the scan kept.
    fn text(&self, item: Item) -> Option<String> {
        match item {
            Item::Text(at) => text_at(self.input, at as usize),
            Item::FarText(i) => self.tables.far_texts.get(i as usize).cloned(),
            _ => None,
        }
    }

    /// Whether a dict key is a dunder name (`__setstate__`). Every key of
    /// every dict is asked, so the common answer (no) is read from the
    /// bytes without decoding them.
    pub(super) fn is_dunder(&self, key: Item) -> bool {
        let dunder = |k: &[u8]| k.len() > 4 && k.starts_with(b"__") && k.ends_with(b"__");
        match key {
            Item::Text(at) => match text_span_at(self.input, at as usize) {
                Some((span, Enc::Utf8 | Enc::Ascii)) => dunder(&self.input[span]),
                Some(_) => self.text(key).is_some_and(|k| dunder(k.as_bytes())),
                None => false,
            },
            Item::FarText(_) => self.text(key).is_some_and(|k| dunder(k.as_bytes())),
            _ => false,
        }
    }

    pub(super) fn stack_global(&mut self, module: Item, name: Item) -> Result<Item> {
        let texts = (self.text(module), self.text(name));
        if let (Some(module), Some(name)) = texts {
            return self.import(&module, &name);
        }
        let computed = |i: Item| {
            !matches!(
                i,
                Item::Text(_)
                    | Item::FarText(_)
                    | Item::LongText
                    | Item::Data
                    | Item::None
                    | Item::Int(_)
            )
        };
        let v = if computed(module) || computed(name) {
            Self::unnamed(
                Safety::Dangerous,
                "a name computed at load time",
                "STACK_GLOBAL imports a name that an earlier call returned (`_codecs.encode('flfgrz', 'rot13')`): the pickle hides what it imports",
            )
        } else if module == Item::LongText || name == Item::LongText {
            Self::unnamed(
                Safety::Dangerous,
                "a name longer than any real module or class has",
                "a name this long hides what it reaches",
            )
        } else {
            return Err(Error::at(
                ErrorKind::InvalidOperation,
                self.at as u64,
                "STACK_GLOBAL requires str",
            ));
        };
        self.record(Action::Import, v);
        Ok(Item::Object(NO_NAME))
    }

    pub(super) fn extension(&mut self, code: i64, registry: Option<&Extensions>) -> Result<Item> {
        let known = registry.and_then(|r| u32::try_from(code).ok().and_then(|c| r.global(c)));
        if let Some(global) = known {
            let (m, n) = (
                global.module.to_string_lossy().into_owned(),
                global.name.to_string_lossy().into_owned(),
            );
            return self.import(&m, &n);
        }
        let v = Verdict {
            safety: Safety::Dangerous,
            reason: Cow::Borrowed("the loading process's `copyreg` registry decides which global this imports; the pickle hides the name"),
            target: format!("extension code {code}").into(),
            global: None,
        };
        self.record(Action::Extension(code), v);
        Ok(Item::Extension)
    }

    /// A call of `callable` with `args` (`REDUCE`, `INST`, `OBJ`).
    pub(super) fn call(&mut self, callable: Item, args: Item) -> Result<Item> {
        self.tables.sink(args);
        let id = match callable {
            Item::Global(id) => id,
            other => return Ok(self.call_of_non_global(other)),
        };
        if self.tables.names[id as usize].getattr {
            return self.getattr(args);
        }
        let v = self.of(id, Use::Call);
        self.record(Action::Call, v);
        let first = self
            .tables
            .tuple_of(args)
            .and_then(|(items, _)| items.first().copied());
        match self.py3(id) {
            // `cls.__new__(cls, *args)`, `base.__new__(cls, state)`,
            // `ndarray.__new__(cls, ...)`, `func(*args)` then `new_type`:
            // what they make is an instance of their first argument.
            ("copyreg", "_reconstructor")
            | ("copyreg", "__newobj__")
            | ("copyreg", "__newobj_ex__")
            | ("numpy.core.multiarray", "_reconstruct")
            | ("numpy._core.multiarray", "_reconstruct") => {
                if self.py3(id).1 == "_reconstructor" {
                    if let Some(base) = self
                        .tables
                        .tuple_of(args)
                        .and_then(|(i, _)| i.get(1).copied())
                    {
                        self.instance(base);
                    }
                }
                Ok(first.map_or(Item::Object(NO_NAME), |cls| self.instance(cls)))
            }
            // `partial(f, ...)` and `_rebuild_from_type_v2(f, ...)` call `f`.
            ("functools", "partial") | ("torch._tensor", "_rebuild_from_type_v2") => {
                if let Some(f) = first {
                    self.call_target(f);
                }
                Ok(Item::Object(id))
            }
            _ => Ok(Item::Object(id)),
        }
    }

    /// A finding for `f`, which something else will call.
    fn call_target(&mut self, f: Item) {
        match f {
            Item::Global(g) => {
                let v = self.of(g, Use::Call);
                self.record(Action::Call, v);
            }
            other => {
                self.call_of_non_global(other);
            }
        }
    }

    fn call_of_non_global(&mut self, callable: Item) -> Item {
        let v = match callable {
            Item::Persistent(_) => Self::unnamed(
                Safety::Unknown,
                "a persistent object",
                "the loader's `persistent_load` decides what is called",
            ),
            Item::Extension => Self::unnamed(
                Safety::Dangerous,
                "a global behind an extension code",
                "the loading process's `copyreg` registry decides what is called",
            ),
            _ => Self::unnamed(
                Safety::Dangerous,
                "the result of an earlier call",
                "calls what another call returned, which the scan cannot name",
            ),
        };
        self.record(Action::Call, v);
        Item::Object(NO_NAME)
    }

    /// `NEWOBJ`/`NEWOBJ_EX`: `cls.__new__(cls, *args)`.
    pub(super) fn new_object(&mut self, class: Item, _args: Item) -> Result<Item> {
        Ok(self.instance(class))
    }

    /// A finding for an instance made of `class`; the instance's item.
    fn instance(&mut self, class: Item) -> Item {
        match class {
            Item::Global(id) => {
                self.tables.sink(class);
                let v = self.of(id, Use::Instantiate);
                self.record(Action::Call, v);
                Item::Object(id)
            }
            other => self.call_of_non_global(other),
        }
    }

    /// `getattr(obj, name)`: named when `obj` is, and then as safe as the
    /// attribute it reaches.
    fn getattr(&mut self, args: Item) -> Result<Item> {
        let items = self
            .tables
            .tuple_of(args)
            .map(|(items, _)| items.to_vec())
            .unwrap_or_default();
        let parent = match items.first() {
            Some(&Item::Global(p)) => Some(p),
            _ => None,
        };
        let attr = items.get(1).and_then(|&a| self.text(a));
        if let (Some(parent), Some(attr)) = (parent, attr) {
            let global = self.tables.names[parent as usize].global.clone();
            let module = global.module.to_string_lossy();
            let name = format!("{}.{attr}", global.name.to_string_lossy());
            let reached = self.tables.intern(&module, &name, self.at)?;
            let mut v = self.of(reached, Use::Import);
            v.target = format!("builtins.getattr -> {}", v.target).into();
            self.record(Action::Call, v);
            return Ok(Item::Global(reached));
        }
        let v = Self::unnamed(
            Safety::Dangerous,
            "builtins.getattr",
            "reaches an attribute of an object the scan cannot name",
        );
        self.record(Action::Call, v);
        Ok(Item::Object(NO_NAME))
    }

    /// A `BUILD` of `state` on `target`.
    pub(super) fn build(&mut self, target: Item, state: Item) -> Result<Option<After>> {
        self.tables.sink(state);
        let mut v = match target {
            Item::Global(id) => {
                let text = self.tables.names[id as usize].text.clone();
                Verdict {
                    safety: Safety::Dangerous,
                    reason: Cow::Borrowed("BUILD on a global sets attributes of a module or class: it can replace a function that later loads call (`torch._utils._rebuild_tensor` with `eval`)"),
                    target: format!("state of {text}").into(),
                    global: Some(self.tables.names[id as usize].global.clone()),
                }
            }
            Item::Object(NO_NAME) => Self::unnamed(
                Safety::Unknown,
                "state of an object the scan cannot name",
                "its `__setstate__`, if any, is unknown",
            ),
            Item::Object(id) => {
                let v = self.of(id, Use::Build);
                Verdict {
                    target: format!("state of {}", v.target).into(),
                    ..v
                }
            }
            Item::Persistent(_) => Self::unnamed(
                Safety::Unknown,
                "state of a persistent object",
                "the loader's `persistent_load` decides what the object is",
            ),
            Item::Extension => Self::unnamed(
                Safety::Dangerous,
                "state of a global behind an extension code",
                "the loading process's `copyreg` registry decides what the object is",
            ),
            _ => Self::unnamed(
                Safety::Data,
                "state of plain data",
                "Python refuses to set the state of a built-in container",
            ),
        };
        if self.sets_dunder(state) {
            v.safety = Safety::Dangerous;
            v.reason = Cow::Borrowed("the state sets a dunder attribute (`__setstate__`, `__class__`, ...), which changes what Python does with the object");
        }
        self.record(Action::Build, v);
        if let Item::Object(id) = target {
            if id != NO_NAME && self.py3(id) == ("joblib.numpy_pickle", "NumpyArrayWrapper") {
                return Ok(Some(After::JoblibArray));
            }
        }
        Ok(None)
    }

    fn sets_dunder(&self, state: Item) -> bool {
        let dunder = |i: Item| matches!(i, Item::Dict(d) if self.tables.dunder_dicts.contains(&d));
        dunder(state)
            || self
                .tables
                .tuple_of(state)
                .is_some_and(|(items, _)| items.iter().any(|&i| dunder(i)))
    }

    /// A persistent id (`PERSID`, `BINPERSID`).
    pub(super) fn persistent_id(&mut self, pid: Item) -> Result<()> {
        self.tables.sink(pid);
        if let Some(v) = self.torch_storage(pid) {
            self.record(Action::PersistentId, v);
            return Ok(());
        }
        let v = Verdict {
            safety: Safety::Unknown,
            reason: Cow::Borrowed("the loader's `persistent_load` decides what this becomes"),
            target: format!("persistent id {}", self.describe(pid)).into(),
            global: None,
        };
        self.record(Action::PersistentId, v);
        Ok(())
    }

    /// A short description of an item, for people.
    fn describe(&self, item: Item) -> String {
        let text = match item {
            Item::Text(_) | Item::FarText(_) => {
                format!("{:?}", self.text(item).unwrap_or_default())
            }
            Item::Int(i) => i.to_string(),
            Item::None => "None".into(),
            Item::Global(id) => self.tables.names[id as usize].text.to_string(),
            Item::Tuple(_) => {
                let (items, len) = self.tables.tuple_of(item).unwrap_or_default();
                let parts: Vec<String> = items.iter().take(4).map(|&i| self.describe(i)).collect();
                let more = if len > parts.len() { ", ..." } else { "" };
                format!("({}{more})", parts.join(", "))
            }
            Item::Object(_) => "(the result of a call)".into(),
            _ => "(data)".into(),
        };
        if text.chars().count() > 80 {
            let cut: String = text.chars().take(77).collect();
            format!("{cut}...")
        } else {
            text
        }
    }

    /// `('storage', torch.FloatStorage, key, location, numel[, view])`, as
    /// `torch.save` writes a tensor's storage.
    fn torch_storage(&mut self, pid: Item) -> Option<Verdict> {
        let (items, len) = self.tables.tuple_of(pid)?;
        let items = items.to_vec();
        if !(len == 5 || len == 6) {
            return None;
        }
        let [tag, Item::Global(kind), key, location, Item::Int(_), ..] = items[..] else {
            return None;
        };
        if self.text(tag)? != "storage" {
            return None;
        }
        let key = self.text(key)?;
        self.text(location)?;
        let v = self.of(kind, Use::Import);
        self.storages
            .push((key, self.tables.names[kind as usize].global.clone()));
        Some(Verdict {
            target: format!("torch storage of {}", v.target).into(),
            reason: if v.safety <= Safety::Safe {
                Cow::Borrowed("a tensor's storage, which `torch.load` reads from the file")
            } else {
                v.reason
            },
            ..v
        })
    }

    /// Settles the `getattr` imports: dangerous where one escaped.
    pub(super) fn finish(mut self) -> (Vec<Finding>, Vec<(String, Arc<Global>)>) {
        for &(i, id) in &self.getattr_imports {
            if self.tables.names[id as usize].escaped {
                let f = &mut self.findings[i];
                f.safety = Safety::Dangerous;
                f.reason = Cow::Borrowed("`getattr` stored or passed on: whoever holds it can reach any attribute of anything");
            }
        }
        self.findings.sort_by_key(|f| f.offset);
        (self.findings, self.storages)
    }
}
