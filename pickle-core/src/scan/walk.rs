//! From a run of the reading machine to findings: every global node, call
//! record, `BUILD`, persistent id and buffer in the arena, classified.
//!
//! A report must stay proportional to the pickle even when one long name is
//! called a million times through the memo: names are bounded
//! ([`MAX_NAME`]), `getattr` chains are followed a bounded number of steps,
//! and the findings of one callee share its strings.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::classify::{self, Class};
use super::{Action, Finding, Report, Safety, MAX_NAME};
use crate::de::arena::builder::{ArenaBuilder, Inspection};
use crate::de::arena::{Arena, CallNode, Node, NodeId};
use crate::de::machine::Machine;
use crate::de::source::SliceSource;
use crate::de::Options;
use crate::opcode::Opcode;
use crate::value::{Global, PyStr};

/// How many `getattr` steps a name is followed through; a longer chain is
/// left unnamed (and so dangerous), which keeps resolution cheap.
const MAX_CHAIN: usize = 16;

pub(super) fn scan(bytes: &[u8], opts: &Options<'_>) -> Report {
    let mut builder = ArenaBuilder::new(opts.limits);
    builder.inspection = Some(Inspection::default());
    let mut machine = Machine::new(SliceSource::new(bytes), opts, builder);
    let error = machine.run().err();
    let inspection = machine.b.inspection.take().unwrap_or_default();
    let walker = Walker::new(&machine.b.arena, bytes, &inspection);
    Report {
        findings: walker.findings(),
        error,
        protocol: machine.proto,
    }
}

/// The safety, the name acted on (if any) and why, of one target.
#[derive(Clone)]
struct Verdict {
    safety: Safety,
    target: Arc<str>,
    global: Option<Arc<Global>>,
    reason: Cow<'static, str>,
}

/// What a node names, when it names a global.
enum Name {
    Global(Global),
    /// A name over [`MAX_NAME`] bytes, not copied.
    TooLong,
}

fn too_long(global: &Global) -> bool {
    global.module.len() + global.name.len() > MAX_NAME
}

impl Verdict {
    fn of_global(global: &Global) -> Verdict {
        if too_long(global) {
            return Verdict::of_name(Name::TooLong);
        }
        Verdict::of_name(Name::Global(global.clone()))
    }

    fn of_name(name: Name) -> Verdict {
        let global = match name {
            Name::Global(global) => global,
            Name::TooLong => {
                return Verdict::unnamed(
                    Safety::Dangerous,
                    "a name longer than any real module or class has",
                    "a name this long hides what it reaches",
                )
            }
        };
        let class = classify_global(&global);
        Verdict {
            safety: class.safety,
            target: global.to_string().into(),
            global: Some(Arc::new(global)),
            reason: Cow::Borrowed(class.reason),
        }
    }

    fn unnamed(safety: Safety, target: &str, reason: &'static str) -> Verdict {
        Verdict {
            safety,
            target: target.into(),
            global: None,
            reason: Cow::Borrowed(reason),
        }
    }

    /// Takes `other`'s safety and reason if it is worse.
    fn worsen(&mut self, other: &Verdict) {
        if other.safety > self.safety {
            self.safety = other.safety;
            self.reason = other.reason.clone();
        }
    }

    fn retarget(&mut self, target: String) {
        self.target = bounded(target).into();
    }
}

/// Cuts a description for people to a few hundred characters.
fn bounded(text: String) -> String {
    const MAX: usize = 2 * MAX_NAME + 64;
    if text.len() <= MAX {
        return text;
    }
    let mut cut = MAX;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

fn classify_global(global: &Global) -> Class {
    match (global.module.as_str(), global.name.as_str()) {
        (Some(module), Some(name)) => classify::global(module, name),
        _ => Class {
            safety: Safety::Unknown,
            reason: "a name with a lone surrogate, which Python cannot import",
        },
    }
}

struct Walker<'a> {
    arena: &'a Arena,
    input: &'a [u8],
    inspection: &'a Inspection,
    /// Placeholder global nodes of unregistered extension codes.
    extensions: HashMap<NodeId, i64>,
    /// For each node called by `REDUCE`, the objects those calls made.
    reduced_by: HashMap<NodeId, Vec<NodeId>>,
    /// The verdict on each node called so far, so that a million calls of
    /// one memoized global share one name.
    callees: RefCell<HashMap<NodeId, Verdict>>,
}

impl<'a> Walker<'a> {
    fn new(arena: &'a Arena, input: &'a [u8], inspection: &'a Inspection) -> Walker<'a> {
        let mut reduced_by: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for (i, node) in arena.nodes.iter().enumerate() {
            if let Node::Object(obj) = node {
                if let CallNode::Reduce(callable, _) = obj.call {
                    reduced_by.entry(callable).or_default().push(i as NodeId);
                }
            }
        }
        Walker {
            arena,
            input,
            inspection,
            extensions: inspection.extensions.iter().copied().collect(),
            reduced_by,
            callees: RefCell::new(HashMap::new()),
        }
    }

    fn opcode_at(&self, offset: u64) -> Option<Opcode> {
        let byte = *self.input.get(usize::try_from(offset).ok()?)?;
        Opcode::from_byte(byte)
    }

    fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let mut push = |offset: u64, action: Action, v: Verdict| {
            // Every node and event has the offset of the opcode that made it.
            if let Some(opcode) = self.opcode_at(offset) {
                out.push(Finding {
                    offset,
                    opcode,
                    action,
                    target: v.target,
                    global: v.global,
                    safety: v.safety,
                    reason: v.reason,
                });
            }
        };
        for (i, node) in self.arena.nodes.iter().enumerate() {
            let id = i as NodeId;
            let offset = self.arena.offset(id);
            match node {
                Node::Global(g) => match self.extensions.get(&id) {
                    Some(&code) => push(
                        offset,
                        Action::Extension(code),
                        Verdict::unnamed(
                            Safety::Dangerous,
                            &format!("extension code {code}"),
                            "the loading process's `copyreg` registry decides which global this imports; the pickle hides the name",
                        ),
                    ),
                    None => push(offset, Action::Import, self.import(id, *g)),
                },
                Node::Object(obj) => {
                    if let CallNode::Inst(g, _) = obj.call {
                        push(offset, Action::Import, self.inst_class(g));
                    }
                    push(offset, Action::Call, self.call(id, &obj.call));
                }
                Node::PersistentId(pid) => push(
                    offset,
                    Action::PersistentId,
                    Verdict::unnamed(
                        Safety::Unknown,
                        &format!("persistent id {}", self.describe(*pid)),
                        "the loader's `persistent_load` decides what this becomes",
                    ),
                ),
                Node::Buffer(_) if self.opcode_at(offset) == Some(Opcode::NextBuffer) => push(
                    offset,
                    Action::Buffer,
                    Verdict::unnamed(
                        Safety::Data,
                        "out-of-band buffer",
                        "bytes the loader supplies",
                    ),
                ),
                _ => {}
            }
        }
        for &(offset, callable) in &self.inspection.folded {
            push(offset, Action::Call, self.callee(callable));
        }
        for &(offset, inst, state) in &self.inspection.builds {
            push(offset, Action::Build, self.build(inst, state));
        }
        // Stable: at one offset (`INST`), the import comes before the call.
        out.sort_by_key(|f| f.offset);
        out
    }

    fn inst_class(&self, index: u32) -> Verdict {
        Verdict::of_global(&self.arena.globals[index as usize])
    }

    /// An import. `builtins.getattr` reaches any attribute, so it is
    /// dangerous unless every use of it is a call the scan can name (as
    /// CPython writes nested classes below protocol 4: `getattr(Outer,
    /// 'Inner')`); then it is as safe as the worst name it reaches.
    fn import(&self, id: NodeId, index: u32) -> Verdict {
        let global = &self.arena.globals[index as usize];
        let verdict = Verdict::of_global(global);
        if !global.is("builtins", "getattr") {
            return verdict;
        }
        let calls = self.reduced_by.get(&id).map_or(&[][..], |v| &v[..]);
        // `refs` counts every container and call that holds the node; it
        // saturates, so a count at the cap proves nothing.
        let refs = self.arena.refs[id as usize];
        if calls.is_empty() || refs == u8::MAX || usize::from(refs) != calls.len() {
            return verdict;
        }
        let mut worst: Option<Verdict> = None;
        for &call in calls {
            let Some(reached) = self.name_of(call) else {
                return verdict;
            };
            let reached = Verdict::of_name(reached);
            if worst.as_ref().map_or(true, |w| reached.safety > w.safety) {
                worst = Some(reached);
            }
        }
        let Some(worst) = worst else {
            return verdict;
        };
        Verdict {
            safety: worst.safety,
            target: verdict.target,
            global: verdict.global,
            reason: Cow::Owned(format!(
                "used only to name attributes the scan resolves; the worst, `{}`: {}",
                worst.target, worst.reason
            )),
        }
    }

    /// The global a node stands for: a global, or a chain of at most
    /// [`MAX_CHAIN`] `getattr(named, 'attr')` calls on one. Walked without
    /// recursion, and lengths are checked before anything is copied.
    fn name_of(&self, id: NodeId) -> Option<Name> {
        let mut attrs: Vec<NodeId> = Vec::new();
        let mut at = id;
        let root = loop {
            match self.arena.node(at) {
                Node::Global(g) if !self.extensions.contains_key(&at) => {
                    break &self.arena.globals[*g as usize];
                }
                Node::Object(obj) if attrs.len() < MAX_CHAIN && obj.ops.is_empty() => {
                    let CallNode::Reduce(callable, args) = obj.call else {
                        return None;
                    };
                    match self.arena.node(callable) {
                        Node::Global(g)
                            if self.arena.globals[*g as usize].is("builtins", "getattr") => {}
                        _ => return None,
                    }
                    let Node::Tuple(items, _) = self.arena.node(args) else {
                        return None;
                    };
                    let [parent, attr] = items[..] else {
                        return None;
                    };
                    if !matches!(self.arena.node(attr), Node::Str(_)) {
                        return None;
                    }
                    attrs.push(attr);
                    at = parent;
                }
                _ => return None,
            }
        };
        let mut len = root.module.len() + root.name.len();
        for &attr in &attrs {
            if let Node::Str(t) = self.arena.node(attr) {
                len = len.saturating_add(1 + self.arena.text(self.input, *t).len());
            }
        }
        if len > MAX_NAME {
            return Some(Name::TooLong);
        }
        if attrs.is_empty() {
            return Some(Name::Global(root.clone()));
        }
        let mut name = root.name.to_string();
        for &attr in attrs.iter().rev() {
            name.push('.');
            name.push_str(self.str_of(attr, MAX_NAME)?.as_str()?);
        }
        Some(Name::Global(Global::new(root.module.clone(), name)))
    }

    /// The text of a `str` node of at most `max` bytes (longer ones are
    /// not copied: a memoized megabyte must not be copied per reference).
    fn str_of(&self, id: NodeId, max: usize) -> Option<PyStr> {
        match self.arena.node(id) {
            Node::Str(t) => {
                let bytes = self.arena.text(self.input, *t);
                if bytes.len() > max {
                    return None;
                }
                PyStr::from_utf8_surrogatepass(bytes).ok()
            }
            _ => None,
        }
    }

    /// What calling node `id` is: its name if the scan can name it.
    fn callee(&self, id: NodeId) -> Verdict {
        if let Some(v) = self.callees.borrow().get(&id) {
            return v.clone();
        }
        let v = match (self.name_of(id), self.arena.node(id)) {
            (Some(name), _) => Verdict::of_name(name),
            (None, Node::Global(_)) => Verdict::unnamed(
                Safety::Dangerous,
                "a global behind an extension code",
                "the loading process's `copyreg` registry decides what is called",
            ),
            (None, Node::PersistentId(_)) => Verdict::unnamed(
                Safety::Unknown,
                "a persistent object",
                "the loader's `persistent_load` decides what is called",
            ),
            (None, _) => Verdict::unnamed(
                Safety::Dangerous,
                "the result of an earlier call",
                "calls what another call returned, which the scan cannot name",
            ),
        };
        self.callees.borrow_mut().insert(id, v.clone());
        v
    }

    /// The items of a tuple node.
    fn tuple_items(&self, id: NodeId) -> &'a [NodeId] {
        match self.arena.node(id) {
            Node::Tuple(items, _) => items,
            _ => &[],
        }
    }

    fn call(&self, id: NodeId, call: &CallNode) -> Verdict {
        match *call {
            CallNode::Reduce(callable, args) => {
                let mut v = self.callee(callable);
                let is = |m: &str, n: &str| v.global.as_ref().is_some_and(|g| g.is(m, n));
                let items = self.tuple_items(args);
                if is("builtins", "getattr") {
                    return match self.name_of(id) {
                        Some(name) => {
                            let mut reached = Verdict::of_name(name);
                            reached.retarget(format!("builtins.getattr -> {}", reached.target));
                            reached
                        }
                        None => Verdict::unnamed(
                            Safety::Dangerous,
                            "builtins.getattr",
                            "reaches an attribute of an object the scan cannot name",
                        ),
                    };
                }
                if is("copyreg", "_reconstructor") {
                    // `base.__new__(cls, state)`, then `base.__init__` when
                    // the base defines one: both classes matter.
                    if let Some(&cls) = items.first() {
                        let c = self.callee(cls);
                        v.retarget(format!("{} of {}", v.target, c.target));
                        // What it makes is an instance of `cls`.
                        v.global = c.global.clone();
                        v.worsen(&c);
                    }
                    if let Some(&base) = items.get(1) {
                        v.worsen(&self.callee(base));
                    }
                    return v;
                }
                if is("functools", "partial") {
                    // Harmless by itself; as dangerous as what it wraps.
                    if let Some(&f) = items.first() {
                        let inner = self.callee(f);
                        v.retarget(format!("{} of {}", v.target, inner.target));
                        v.worsen(&inner);
                    }
                    return v;
                }
                v
            }
            CallNode::NewObj(cls, _) | CallNode::NewObjEx(cls, _, _) | CallNode::Obj(cls, _) => {
                self.callee(cls)
            }
            CallNode::Inst(g, _) => self.inst_class(g),
        }
    }

    /// A `BUILD`: as safe as the object's class, unless the state sets a
    /// dunder attribute (such as `__setstate__`, which the next `BUILD`
    /// would call, or `__class__`).
    fn build(&self, inst: NodeId, state: NodeId) -> Verdict {
        let mut v = match self.class_of(inst) {
            Some(name) => Verdict::of_name(name),
            None => Verdict::unnamed(
                Safety::Unknown,
                "an object of a class the scan cannot name",
                "its `__setstate__`, if any, is unknown",
            ),
        };
        let dicts: &[NodeId] = match self.arena.node(state) {
            Node::Dict(_) => std::slice::from_ref(&state),
            Node::Tuple(items, _) => items,
            _ => &[],
        };
        'dicts: for &d in dicts {
            let Node::Dict(entries) = self.arena.node(d) else {
                continue;
            };
            for &(key, _) in entries {
                // Python's own dunder names are short.
                let Some(Some(name)) = self.str_of(key, 64).map(|k| k.as_str().map(str::to_owned))
                else {
                    continue;
                };
                if name.len() > 4 && name.starts_with("__") && name.ends_with("__") {
                    v.safety = Safety::Dangerous;
                    v.reason = Cow::Owned(bounded(format!(
                        "the state sets `{name}`, which changes how Python treats the object (a later `BUILD` calls `__setstate__`)"
                    )));
                    break 'dicts;
                }
            }
        }
        v.retarget(format!("state of {}", v.target));
        v
    }

    /// The class of an object, as `Object::class` finds it.
    fn class_of(&self, id: NodeId) -> Option<Name> {
        let Node::Object(obj) = self.arena.node(id) else {
            return None;
        };
        match obj.call {
            CallNode::NewObj(cls, _) | CallNode::NewObjEx(cls, _, _) | CallNode::Obj(cls, _) => {
                self.name_of(cls)
            }
            CallNode::Inst(g, _) => {
                let global = &self.arena.globals[g as usize];
                Some(if too_long(global) {
                    Name::TooLong
                } else {
                    Name::Global(global.clone())
                })
            }
            CallNode::Reduce(callable, args) => match self.name_of(callable)? {
                Name::Global(g) if g.is("copyreg", "_reconstructor") => {
                    self.name_of(*self.tuple_items(args).first()?)
                }
                name => Some(name),
            },
        }
    }

    /// A short description of a persistent id, for people.
    fn describe(&self, id: NodeId) -> String {
        let text = match self.arena.node(id) {
            Node::Str(t) => {
                let bytes = self.arena.text(self.input, *t);
                let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4 * 80)]);
                let short: String = head.chars().take(80).collect();
                format!("{short:?}")
            }
            Node::Int(i) => i.to_string(),
            Node::Tuple(items, _) => {
                let parts: Vec<String> = items
                    .iter()
                    .take(4)
                    .map(|&i| match self.arena.node(i) {
                        Node::Str(_) | Node::Int(_) => self.describe(i),
                        other => other.type_name().to_owned(),
                    })
                    .collect();
                let more = if items.len() > 4 { ", ..." } else { "" };
                format!("({}{more})", parts.join(", "))
            }
            other => format!("of type `{}`", other.type_name()),
        };
        if text.chars().count() > 80 {
            let cut: String = text.chars().take(77).collect();
            format!("{cut}...")
        } else {
            text
        }
    }
}
