//! From a run of the reading machine to findings: every global node, call
//! record, `BUILD`, persistent id and buffer in the arena, classified.

use std::collections::HashMap;

use super::classify::{self, Class};
use super::{Action, Finding, Report, Safety};
use crate::de::arena::{Arena, CallNode, Node, NodeId};
use crate::de::machine::{Inspection, Machine};
use crate::de::source::SliceSource;
use crate::de::Options;
use crate::opcode::Opcode;
use crate::value::{Global, PyStr};

/// How many `getattr` steps a name is followed through; a longer chain is
/// left unnamed (and so dangerous), which keeps resolution cheap.
const MAX_CHAIN: usize = 64;

pub(super) fn scan(bytes: &[u8], opts: &Options<'_>) -> Report {
    let mut machine = Machine::new(SliceSource::new(bytes), opts);
    machine.inspection = Some(Inspection::default());
    let error = machine.run().err();
    let inspection = machine.inspection.take().unwrap_or_default();
    let walker = Walker::new(&machine.arena, bytes, &inspection);
    Report {
        findings: walker.findings(),
        error,
        protocol: machine.proto,
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
}

/// The safety, the name acted on (if any) and why, of one call target.
struct Verdict {
    safety: Safety,
    target: String,
    global: Option<Global>,
    reason: String,
}

impl Verdict {
    fn of_global(global: Global, class: Class) -> Verdict {
        Verdict {
            safety: class.safety,
            target: global.to_string(),
            global: Some(global),
            reason: class.reason.to_owned(),
        }
    }

    fn unnamed(safety: Safety, target: &str, reason: &str) -> Verdict {
        Verdict {
            safety,
            target: target.to_owned(),
            global: None,
            reason: reason.to_owned(),
        }
    }
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
        }
    }

    fn opcode_at(&self, offset: u64) -> Option<Opcode> {
        let byte = *self.input.get(usize::try_from(offset).ok()?)?;
        Opcode::from_byte(byte)
    }

    fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (i, node) in self.arena.nodes.iter().enumerate() {
            let id = i as NodeId;
            let offset = self.arena.offset(id);
            let Some(opcode) = self.opcode_at(offset) else {
                continue;
            };
            let mut push = |action: Action, v: Verdict| {
                out.push(Finding {
                    offset,
                    opcode,
                    action,
                    target: v.target,
                    global: v.global,
                    safety: v.safety,
                    reason: v.reason,
                })
            };
            match node {
                Node::Global(g) => match self.extensions.get(&id) {
                    Some(&code) => push(
                        Action::Extension(code),
                        Verdict::unnamed(
                            Safety::Dangerous,
                            &format!("extension code {code}"),
                            "the loading process's `copyreg` registry decides which global this imports; the pickle hides the name",
                        ),
                    ),
                    None => push(Action::Import, self.import(id, *g)),
                },
                Node::Object(obj) => {
                    if let CallNode::Inst(g, _) = obj.call {
                        let global = self.arena.globals[g as usize].clone();
                        let class = classify_global(&global);
                        push(Action::Import, Verdict::of_global(global, class));
                    }
                    push(Action::Call, self.call(id, &obj.call));
                }
                Node::PersistentId(pid) => push(
                    Action::PersistentId,
                    Verdict::unnamed(
                        Safety::Unknown,
                        &format!("persistent id {}", self.describe(*pid)),
                        "the loader's `persistent_load` decides what this becomes",
                    ),
                ),
                Node::Buffer(_) if opcode == Opcode::NextBuffer => push(
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
            if let Some(opcode) = self.opcode_at(offset) {
                let v = self.callee(callable);
                out.push(self.finding(offset, opcode, Action::Call, v));
            }
        }
        for &(offset, inst, state) in &self.inspection.builds {
            if let Some(opcode) = self.opcode_at(offset) {
                let v = self.build(inst, state);
                out.push(self.finding(offset, opcode, Action::Build, v));
            }
        }
        // Stable: at one offset (`INST`), the import comes before the call.
        out.sort_by_key(|f| f.offset);
        out
    }

    fn finding(&self, offset: u64, opcode: Opcode, action: Action, v: Verdict) -> Finding {
        Finding {
            offset,
            opcode,
            action,
            target: v.target,
            global: v.global,
            safety: v.safety,
            reason: v.reason,
        }
    }

    /// An import. `builtins.getattr` reaches any attribute, so it is
    /// dangerous unless every use of it is a call the scan can name (as
    /// CPython writes nested classes below protocol 4: `getattr(Outer,
    /// 'Inner')`); then it is as safe as the worst name it reaches.
    fn import(&self, id: NodeId, index: u32) -> Verdict {
        let global = self.arena.globals[index as usize].clone();
        let class = classify_global(&global);
        if !global.is("builtins", "getattr") {
            return Verdict::of_global(global, class);
        }
        let calls = self.reduced_by.get(&id).map_or(&[][..], |v| &v[..]);
        // `refs` counts every container and call that holds the node; it
        // saturates, so a count at the cap proves nothing.
        let refs = self.arena.refs[id as usize];
        if calls.is_empty() || refs == u8::MAX || usize::from(refs) != calls.len() {
            return Verdict::of_global(global, class);
        }
        let names: Vec<Option<Global>> = calls.iter().map(|&c| self.name_of(c, 0)).collect();
        if names.iter().any(Option::is_none) {
            return Verdict::of_global(global, class);
        }
        let worst = names
            .iter()
            .flatten()
            .map(classify_global)
            .max_by_key(|c| c.safety)
            .unwrap_or(class);
        Verdict {
            safety: worst.safety,
            target: global.to_string(),
            global: Some(global),
            reason: format!(
                "used only to name attributes the scan resolves; the worst: {}",
                worst.reason
            ),
        }
    }

    /// The global a node stands for: a global, or a chain of
    /// `getattr(named, 'attr')` calls on one.
    fn name_of(&self, id: NodeId, depth: usize) -> Option<Global> {
        match self.arena.node(id) {
            Node::Global(g) if !self.extensions.contains_key(&id) => {
                Some(self.arena.globals[*g as usize].clone())
            }
            Node::Object(obj) if depth < MAX_CHAIN && obj.ops.is_empty() => {
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
                let attr = self.str_of(attr)?;
                let parent = self.name_of(parent, depth + 1)?;
                let mut name = parent.name.to_string();
                name.push('.');
                name.push_str(attr.as_str()?);
                Some(Global::new(parent.module, name))
            }
            _ => None,
        }
    }

    fn str_of(&self, id: NodeId) -> Option<PyStr> {
        match self.arena.node(id) {
            Node::Str(t) => PyStr::from_utf8_surrogatepass(self.arena.text(self.input, *t)).ok(),
            _ => None,
        }
    }

    /// What calling node `id` is: its name if the scan can name it.
    fn callee(&self, id: NodeId) -> Verdict {
        if let Some(global) = self.name_of(id, 0) {
            let class = classify_global(&global);
            return Verdict::of_global(global, class);
        }
        match self.arena.node(id) {
            Node::Global(_) => Verdict::unnamed(
                Safety::Dangerous,
                "a global behind an extension code",
                "the loading process's `copyreg` registry decides what is called",
            ),
            Node::PersistentId(_) => Verdict::unnamed(
                Safety::Unknown,
                "a persistent object",
                "the loader's `persistent_load` decides what is called",
            ),
            _ => Verdict::unnamed(
                Safety::Dangerous,
                "the result of an earlier call",
                "calls what another call returned, which the scan cannot name",
            ),
        }
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
                let named = self.name_of(callable, 0);
                let is = |m: &str, n: &str| named.as_ref().is_some_and(|g| g.is(m, n));
                if is("builtins", "getattr") {
                    return match self.name_of(id, 0) {
                        Some(global) => {
                            let class = classify_global(&global);
                            let mut v = Verdict::of_global(global, class);
                            v.target = format!("builtins.getattr -> {}", v.target);
                            v
                        }
                        None => Verdict::unnamed(
                            Safety::Dangerous,
                            "builtins.getattr",
                            "reaches an attribute of an object the scan cannot name",
                        ),
                    };
                }
                let items = self.tuple_items(args);
                if is("copyreg", "_reconstructor") {
                    // `base.__new__(cls, state)`, then `base.__init__` when
                    // the base defines one: both classes matter.
                    let mut v = self.callee(callable);
                    if let Some(&cls) = items.first() {
                        let c = self.callee(cls);
                        v.target = format!("{} of {}", v.target, c.target);
                        // What it makes is an instance of `cls`.
                        v.global = c.global;
                        if c.safety > v.safety {
                            (v.safety, v.reason) = (c.safety, c.reason);
                        }
                    }
                    if let Some(&base) = items.get(1) {
                        let b = self.callee(base);
                        if b.safety > v.safety {
                            (v.safety, v.reason) = (b.safety, b.reason);
                        }
                    }
                    return v;
                }
                if is("functools", "partial") {
                    let mut v = self.callee(callable);
                    if let Some(&f) = items.first() {
                        let inner = self.callee(f);
                        v.target = format!("{} of {}", v.target, inner.target);
                        if inner.safety >= v.safety {
                            (v.safety, v.reason) = (inner.safety, inner.reason);
                        }
                    }
                    return v;
                }
                self.callee(callable)
            }
            CallNode::NewObj(cls, _) | CallNode::NewObjEx(cls, _, _) | CallNode::Obj(cls, _) => {
                self.callee(cls)
            }
            CallNode::Inst(g, _) => {
                let global = self.arena.globals[g as usize].clone();
                let class = classify_global(&global);
                Verdict::of_global(global, class)
            }
        }
    }

    /// A `BUILD`: as safe as the object's class, unless the state sets a
    /// dunder attribute (such as `__setstate__`, which the next `BUILD`
    /// would call, or `__class__`).
    fn build(&self, inst: NodeId, state: NodeId) -> Verdict {
        let mut v = match self.class_of(inst) {
            Some(global) => {
                let class = classify_global(&global);
                Verdict::of_global(global, class)
            }
            None => Verdict::unnamed(
                Safety::Unknown,
                "an object of a class the scan cannot name",
                "its `__setstate__`, if any, is unknown",
            ),
        };
        let dicts: Vec<NodeId> = match self.arena.node(state) {
            Node::Dict(_) => vec![state],
            Node::Tuple(items, _) => items.to_vec(),
            _ => Vec::new(),
        };
        for d in dicts {
            let Node::Dict(entries) = self.arena.node(d) else {
                continue;
            };
            for &(key, _) in entries {
                let Some(name) = self.str_of(key) else {
                    continue;
                };
                let name = name.to_string();
                if name.len() > 4 && name.starts_with("__") && name.ends_with("__") {
                    v.safety = Safety::Dangerous;
                    v.reason = format!(
                        "the state sets `{name}`, which changes how Python treats the object (a later `BUILD` calls `__setstate__`)"
                    );
                }
            }
        }
        v.target = format!("state of {}", v.target);
        v
    }

    /// The class of an object, as `Object::class` finds it.
    fn class_of(&self, id: NodeId) -> Option<Global> {
        let Node::Object(obj) = self.arena.node(id) else {
            return None;
        };
        match obj.call {
            CallNode::NewObj(cls, _) | CallNode::NewObjEx(cls, _, _) | CallNode::Obj(cls, _) => {
                self.name_of(cls, 0)
            }
            CallNode::Inst(g, _) => Some(self.arena.globals[g as usize].clone()),
            CallNode::Reduce(callable, args) => {
                let callable = self.name_of(callable, 0)?;
                if callable.is("copyreg", "_reconstructor") {
                    self.name_of(*self.tuple_items(args).first()?, 0)
                } else {
                    Some(callable)
                }
            }
        }
    }

    /// A short description of a persistent id, for people.
    fn describe(&self, id: NodeId) -> String {
        let text = match self.arena.node(id) {
            Node::Str(_) => self
                .str_of(id)
                .map(|s| format!("{:?}", s.to_string()))
                .unwrap_or_default(),
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
