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

use super::findings::{Findings, Verdict};
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

/// How a name is seen in a finding: a use the policy judges, and what the
/// finding says of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum View {
    Import,
    Call,
    Instantiate,
    Build,
    /// `builtins.getattr` imported: settled at the end of the stream.
    GetattrImport,
    /// The attribute a `getattr` call reaches.
    Reach,
    /// A `BUILD` on the global itself.
    BuildOnGlobal,
    /// A `BUILD` whose state sets a dunder attribute.
    BuildDunder,
    /// The storage class of a torch storage's persistent id.
    Storage,
}

impl View {
    fn use_(self) -> Use {
        match self {
            View::Call => Use::Call,
            View::Instantiate => Use::Instantiate,
            View::Build | View::BuildDunder => Use::Build,
            _ => Use::Import,
        }
    }

    fn describe(self, name: &str) -> Arc<str> {
        match self {
            View::Build | View::BuildOnGlobal | View::BuildDunder => {
                format!("state of {name}").into()
            }
            View::Reach => format!("builtins.getattr -> {name}").into(),
            View::Storage => format!("torch storage of {name}").into(),
            _ => name.into(),
        }
    }

    /// What this view says whatever the policy says.
    fn overrides(self) -> Option<(Safety, &'static str)> {
        match self {
            View::GetattrImport => Some((Safety::Data, "used only to name attributes the scan resolves")),
            View::BuildOnGlobal => Some((Safety::Dangerous, "BUILD on a global sets attributes of a module or class: it can replace a function that later loads call (`torch._utils._rebuild_tensor` with `eval`)")),
            View::BuildDunder => Some((Safety::Dangerous, "the state sets a dunder attribute (`__setstate__`, `__class__`, ...), which changes what Python does with the object")),
            _ => None,
        }
    }
}

pub(super) struct Judge<'a> {
    pub(super) tables: Tables,
    policy: &'a Policy,
    input: &'a [u8],
    /// The verdicts on each name in each view, made once.
    named: HashMap<(NameId, View), Verdict>,
    pub(super) findings: Findings,
    /// Import findings of `getattr`, settled when the stream ends.
    getattr_imports: Vec<(usize, NameId)>,
    /// The current opcode.
    at: usize,
    opcode: Option<Opcode>,
    /// Torch storages named by persistent ids: key and storage type.
    pub(super) storages: Vec<(String, Arc<Global>)>,
}

impl<'a> Judge<'a> {
    pub(super) fn new(policy: &'a Policy, input: &'a [u8], budget: usize) -> Judge<'a> {
        Judge {
            tables: Tables::new(budget),
            policy,
            input,
            named: HashMap::new(),
            findings: Findings::default(),
            getattr_imports: Vec::new(),
            at: 0,
            opcode: None,
            storages: Vec::new(),
        }
    }

    pub(super) fn at(&mut self, at: usize, opcode: Opcode) {
        self.at = at;
        self.opcode = Some(opcode);
    }

    /// Records a finding at the current opcode (or adds one to its count).
    fn record(&mut self, action: Action, v: Verdict) -> usize {
        self.findings.record(self.at as u64, self.opcode, action, v)
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
        let v = Verdict {
            safety,
            reason: reason.into(),
            target: target.into(),
            global: None,
        };
        self.findings.record(offset, None, action, v);
    }

    fn unnamed(&mut self, safety: Safety, target: &'static str, reason: &'static str) -> Verdict {
        self.findings.fixed(safety, target, reason)
    }

    /// The policy's judgement of name `id` seen as `view`, made once.
    fn of(&mut self, id: NameId, view: View) -> Verdict {
        if let Some(v) = self.named.get(&(id, view)) {
            return v.clone();
        }
        let name = &self.tables.names[id as usize];
        let (safety, reason) = if let Some((safety, reason)) = view.overrides() {
            (safety, Cow::Borrowed(reason))
        } else if name.text.len() > MAX_NAME + 1 {
            (
                Safety::Dangerous,
                Cow::Borrowed(
                    "a name longer than any real module or class has hides what it reaches",
                ),
            )
        } else {
            let class = self.policy.judge(&name.global, view.use_());
            match (view, class.safety) {
                (View::Storage, Safety::Data | Safety::Safe) => (
                    class.safety,
                    Cow::Borrowed("a tensor's storage, which `torch.load` reads from the file"),
                ),
                _ => (class.safety, class.reason),
            }
        };
        let v = Verdict {
            safety,
            reason: reason.into(),
            target: view.describe(&name.text),
            global: Some(name.global.clone()),
        };
        self.named.insert((id, view), v.clone());
        v
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
        let v = self.unnamed(
            Safety::Data,
            "out-of-band buffer",
            "bytes the loader supplies",
        );
        self.record(Action::Buffer, v);
    }

    pub(super) fn import(&mut self, module: &str, name: &str) -> Result<Item> {
        let id = self.tables.intern(module, name, self.at)?;
        if self.tables.names[id as usize].getattr {
            let v = self.of(id, View::GetattrImport);
            let i = self.record(Action::Import, v);
            self.getattr_imports.push((i, id));
        } else {
            let v = self.of(id, View::Import);
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
            self.unnamed(
                Safety::Dangerous,
                "a name computed at load time",
                "STACK_GLOBAL imports a name that an earlier call returned (`_codecs.encode('flfgrz', 'rot13')`): the pickle hides what it imports",
            )
        } else if module == Item::LongText || name == Item::LongText {
            self.unnamed(
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
            reason: "the loading process's `copyreg` registry decides which global this imports; the pickle hides the name".into(),
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
        let v = self.of(id, View::Call);
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
                let v = self.of(g, View::Call);
                self.record(Action::Call, v);
            }
            other => {
                self.call_of_non_global(other);
            }
        }
    }

    fn call_of_non_global(&mut self, callable: Item) -> Item {
        let v = match callable {
            Item::Persistent(_) => self.unnamed(
                Safety::Unknown,
                "a persistent object",
                "the loader's `persistent_load` decides what is called",
            ),
            Item::Extension => self.unnamed(
                Safety::Dangerous,
                "a global behind an extension code",
                "the loading process's `copyreg` registry decides what is called",
            ),
            _ => self.unnamed(
                Safety::Dangerous,
                "the result of an earlier call",
                "calls what another call returned, which the scan cannot name",
            ),
        };
        self.record(Action::Call, v);
        Item::Object(NO_NAME)
    }

    /// `NEWOBJ`/`NEWOBJ_EX`: `cls.__new__(cls, *args)`.
    pub(super) fn new_object(&mut self, class: Item) -> Result<Item> {
        Ok(self.instance(class))
    }

    /// A finding for an instance made of `class`; the instance's item.
    fn instance(&mut self, class: Item) -> Item {
        match class {
            Item::Global(id) => {
                self.tables.sink(class);
                let v = self.of(id, View::Instantiate);
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
            // A chain of getattrs names ever longer names: past any real one,
            // it is no name (and copying it again at each step would cost
            // the square of the chain).
            if self.tables.names[parent as usize].text.len() + attr.len() >= MAX_NAME {
                let v = self.unnamed(
                    Safety::Dangerous,
                    "builtins.getattr",
                    "reaches a name longer than any real module or class has",
                );
                self.record(Action::Call, v);
                return Ok(Item::Object(NO_NAME));
            }
            let global = self.tables.names[parent as usize].global.clone();
            let module = global.module.to_string_lossy();
            let name = format!("{}.{attr}", global.name.to_string_lossy());
            let reached = self.tables.intern(&module, &name, self.at)?;
            let v = self.of(reached, View::Reach);
            self.record(Action::Call, v);
            return Ok(Item::Global(reached));
        }
        let v = self.unnamed(
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
        let dunder = self.sets_dunder(state);
        let v = match target {
            Item::Global(id) => self.of(id, View::BuildOnGlobal),
            Item::Object(id) if id != NO_NAME && dunder => self.of(id, View::BuildDunder),
            Item::Object(id) if id != NO_NAME => self.of(id, View::Build),
            _ if dunder => self.unnamed(
                Safety::Dangerous,
                "state of an object",
                "the state sets a dunder attribute (`__setstate__`, `__class__`, ...), which changes what Python does with the object",
            ),
            Item::Object(_) => self.unnamed(
                Safety::Unknown,
                "state of an object the scan cannot name",
                "its `__setstate__`, if any, is unknown",
            ),
            Item::Persistent(_) => self.unnamed(
                Safety::Unknown,
                "state of a persistent object",
                "the loader's `persistent_load` decides what the object is",
            ),
            Item::Extension => self.unnamed(
                Safety::Dangerous,
                "state of a global behind an extension code",
                "the loading process's `copyreg` registry decides what the object is",
            ),
            _ => self.unnamed(
                Safety::Data,
                "state of plain data",
                "Python refuses to set the state of a built-in container",
            ),
        };
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
            reason: "the loader's `persistent_load` decides what this becomes".into(),
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
        let v = self.of(kind, View::Storage);
        self.storages
            .push((key, self.tables.names[kind as usize].global.clone()));
        Some(v)
    }

    /// Settles the `getattr` imports: dangerous where one escaped.
    pub(super) fn finish(mut self) -> (Vec<Finding>, Vec<(String, Arc<Global>)>) {
        for &(i, id) in &self.getattr_imports {
            if self.tables.names[id as usize].escaped {
                let f = &mut self.findings.list[i];
                f.safety = Safety::Dangerous;
                f.reason = Cow::Borrowed("`getattr` stored or passed on: whoever holds it can reach any attribute of anything");
            }
        }
        let mut findings = self.findings.list;
        findings.sort_by_key(|f| f.offset);
        (findings, self.storages)
    }
}
