//! A JSON rendering of a [`Value`], with everything Python would run shown
//! as data.
//!
//! Plain JSON where it is unambiguous (`null`, booleans, numbers that a
//! double holds exactly, strings, lists as arrays); every other kind is an
//! object with one `$`-key naming it:
//!
//! | Python | JSON |
//! |---|---|
//! | `int` beyond ±2^53 | `{"$int": "123456789012345678901"}` |
//! | `nan`, `inf`, `-inf` | `{"$float": "nan"}` |
//! | `bytes`, `bytearray` | `{"$bytes": "00ff"}`, `{"$bytearray": "00ff"}` (hex) |
//! | `tuple`, `set`, `frozenset` | `{"$tuple": [...]}`, `{"$set": [...]}`, `{"$frozenset": [...]}` |
//! | `dict` | `{"$dict": [[key, value], ...]}` (keys need not be strings) |
//! | a global | `{"$global": {"module": "os", "name": "system"}}` |
//! | an object built by a call | `{"$object": {"call": {...}, "ops": [...]}}` |
//! | an out-of-band buffer | `{"$buffer": "00ff", "readonly": true}` |
//! | a persistent id | `{"$persistent_id": ...}` |
//!
//! An object referenced more than once is written once, as
//! `{"$id": 1, "value": ...}`, and every other reference to it, cycles
//! included, as `{"$ref": 1}`; so the output is as small as the pickle's
//! graph, never as large as its unfolded tree.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use pickle_core::{Call, Global, Object, Op, PyStr, Value};

/// Renders `v` as JSON (one line, no trailing newline).
pub fn to_json(v: &Value) -> String {
    let mut out = Json {
        out: String::new(),
        ids: HashMap::new(),
    };
    out.value(v);
    out.out
}

struct Json {
    out: String,
    /// Shared nodes written so far, by address, with their `$id`.
    ids: HashMap<usize, usize>,
}

impl Json {
    fn value(&mut self, v: &Value) {
        match v {
            Value::None => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) if i.unsigned_abs() <= 1 << 53 => {
                let _ = write!(self.out, "{i}");
            }
            Value::Int(i) => self.tagged_str("$int", &i.to_string()),
            Value::BigInt(b) => self.tagged_str("$int", &b.to_string()),
            Value::Float(f) if f.is_finite() => {
                // `{:?}` keeps a fraction or exponent, so the number reads
                // back as a float, and is the shortest that round-trips.
                let _ = write!(self.out, "{f:?}");
            }
            Value::Float(f) => {
                let name = if f.is_nan() {
                    "nan"
                } else if *f > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                self.tagged_str("$float", name);
            }
            Value::Str(s) => self.string(s),
            Value::Bytes(b) => self.tagged_str("$bytes", &hex(b)),
            Value::ByteArray(b) => self.tagged_str("$bytearray", &hex(b)),
            Value::List(items) => self.array(items),
            Value::Tuple(items) => self.tagged_array("$tuple", items),
            Value::Set(items) => self.tagged_array("$set", items),
            Value::FrozenSet(items) => self.tagged_array("$frozenset", items),
            Value::Dict(entries) => {
                self.out.push_str("{\"$dict\":[");
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.out.push('[');
                    self.value(k);
                    self.out.push(',');
                    self.value(v);
                    self.out.push(']');
                }
                self.out.push_str("]}");
            }
            Value::Global(g) => {
                self.out.push_str("{\"$global\":");
                self.global(g);
                self.out.push('}');
            }
            Value::Object(obj) => self.object(obj),
            Value::Buffer(b) => {
                self.out.push_str("{\"$buffer\":\"");
                self.out.push_str(&hex(&b.data));
                let _ = write!(self.out, "\",\"readonly\":{}}}", b.readonly);
            }
            Value::PersistentId(pid) => {
                self.out.push_str("{\"$persistent_id\":");
                self.value(pid);
                self.out.push('}');
            }
            Value::Shared(inner) => {
                let addr = Arc::as_ptr(inner) as usize;
                if let Some(id) = self.ids.get(&addr) {
                    let _ = write!(self.out, "{{\"$ref\":{id}}}");
                    return;
                }
                let id = self.ids.len() + 1;
                self.ids.insert(addr, id);
                let _ = write!(self.out, "{{\"$id\":{id},\"value\":");
                self.value(inner);
                self.out.push('}');
            }
            Value::Recursive(weak) => match self.ids.get(&(weak.as_ptr() as usize)) {
                Some(id) => {
                    let _ = write!(self.out, "{{\"$ref\":{id}}}");
                }
                // Only reachable from inside its target, which has an id.
                None => self.out.push_str("{\"$ref\":null}"),
            },
            _ => self.out.push_str("null"),
        }
    }

    fn global(&mut self, g: &Global) {
        self.out.push_str("{\"module\":");
        self.string(&g.module);
        self.out.push_str(",\"name\":");
        self.string(&g.name);
        self.out.push('}');
    }

    fn object(&mut self, obj: &Object) {
        self.out.push_str("{\"$object\":{\"call\":");
        match &obj.call {
            Call::Reduce { callable, args } => {
                self.out.push_str("{\"kind\":\"reduce\",\"callable\":");
                self.value(callable);
                self.out.push_str(",\"args\":");
                self.value(args);
            }
            Call::NewObj { cls, args } => {
                self.out.push_str("{\"kind\":\"newobj\",\"cls\":");
                self.value(cls);
                self.out.push_str(",\"args\":");
                self.value(args);
            }
            Call::NewObjEx { cls, args, kwargs } => {
                self.out.push_str("{\"kind\":\"newobj_ex\",\"cls\":");
                self.value(cls);
                self.out.push_str(",\"args\":");
                self.value(args);
                self.out.push_str(",\"kwargs\":");
                self.value(kwargs);
            }
            Call::Inst { module, name, args } => {
                self.out
                    .push_str("{\"kind\":\"inst\",\"cls\":{\"$global\":");
                self.global(&Global::new(module.clone(), name.clone()));
                self.out.push_str("},\"args\":");
                self.array(args);
            }
            Call::Obj { cls, args } => {
                self.out.push_str("{\"kind\":\"obj\",\"cls\":");
                self.value(cls);
                self.out.push_str(",\"args\":");
                self.array(args);
            }
            _ => self.out.push_str("{\"kind\":null"),
        }
        self.out.push_str("},\"ops\":[");
        for (i, op) in obj.ops.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            match op {
                Op::Build(state) => {
                    self.out.push_str("{\"build\":");
                    self.value(state);
                }
                Op::Append(item) => {
                    self.out.push_str("{\"append\":");
                    self.value(item);
                }
                Op::SetItem(k, v) => {
                    self.out.push_str("{\"setitem\":[");
                    self.value(k);
                    self.out.push(',');
                    self.value(v);
                    self.out.push(']');
                }
                Op::Add(item) => {
                    self.out.push_str("{\"add\":");
                    self.value(item);
                }
                _ => self.out.push_str("{\"unknown\":null"),
            }
            self.out.push('}');
        }
        self.out.push_str("]}}");
    }

    fn array(&mut self, items: &[Value]) {
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.value(item);
        }
        self.out.push(']');
    }

    fn tagged_array(&mut self, tag: &str, items: &[Value]) {
        let _ = write!(self.out, "{{\"{tag}\":");
        self.array(items);
        self.out.push('}');
    }

    fn tagged_str(&mut self, tag: &str, text: &str) {
        let _ = write!(self.out, "{{\"{tag}\":\"{text}\"}}");
    }

    /// A JSON string; lone surrogates (which Python strings may hold) are
    /// written as `\uXXXX` escapes, as Python's `json` module writes them.
    fn string(&mut self, s: &PyStr) {
        self.out.push('"');
        for cp in s.code_points() {
            match char::from_u32(cp) {
                Some('"') => self.out.push_str("\\\""),
                Some('\\') => self.out.push_str("\\\\"),
                Some('\n') => self.out.push_str("\\n"),
                Some('\r') => self.out.push_str("\\r"),
                Some('\t') => self.out.push_str("\\t"),
                // Control characters (C1 too) are escaped, so that printing
                // the JSON cannot drive the terminal.
                Some(c) if !c.is_control() => self.out.push(c),
                _ => {
                    let _ = write!(self.out, "\\u{cp:04x}");
                }
            }
        }
        self.out.push('"');
    }
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}
