//! The recorded classes as Python source: one module per `module` path,
//! each class written as the kind of Python class that CPython pickles as
//! the Rust type is written.
//!
//! The source runs on Python 3.8+: `from __future__ import annotations`
//! keeps annotations unevaluated (so classes can name each other in any
//! order, across modules, in cycles), and they use `typing.List[...]`
//! forms, which `typing.get_type_hints` can evaluate on 3.8 too. Other
//! modules are imported as `import pkg.mod` and named in full
//! (`pkg.mod.Class`): such imports work in import cycles, where
//! `from pkg.mod import Class` would not.

use std::collections::BTreeSet;

use super::names::{annotation_text, docstring, identifier, modules_in, str_literal};
use super::registry::{Def, DefKind, Registry};
use super::types::{Expr, TypeExpr};
use crate::class::{ClassDesc, MemberValue, Repr};

/// What to write: a module, or its type stub (`.pyi`), whose methods have
/// no bodies.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Mode {
    Source,
    Stub,
}

/// `t` outside any module: every class named in full.
pub(crate) fn standalone(t: &TypeExpr) -> String {
    let registry = Registry::default();
    let mut w = Writer::new(&registry, "", Mode::Source);
    w.annotation(t, None)
}

/// The source of `module`: its classes, or for a package without classes
/// just the header. `Err` holds every problem found.
pub(crate) fn module(registry: &Registry, module: &str, mode: Mode) -> Result<String, Vec<String>> {
    let mut w = Writer::new(registry, module, mode);
    if !module.split('.').all(identifier) {
        w.errors.push(format!(
            "`{module}` is no Python module name (identifiers joined by dots)"
        ));
    }
    let defs: Vec<&Def> = registry
        .defs()
        .iter()
        .filter(|d| d.module == module)
        .collect();
    let mut body = String::new();
    for def in &defs {
        body.push_str("\n\n");
        match &def.kind {
            DefKind::Class { desc, fields } => w.class(def, desc, fields, &mut body),
            DefKind::Union { members } => w.union(def, members, &mut body),
        }
    }
    w.check_names(&defs);
    if !w.errors.is_empty() {
        return Err(w.errors);
    }
    Ok(w.assemble(&defs, &body))
}

struct Writer<'a> {
    registry: &'a Registry,
    module: &'a str,
    mode: Mode,
    /// Modules to import, `typing` and the like included.
    imports: BTreeSet<String>,
    /// The `TypeVar`s that the classes use.
    typevars: BTreeSet<&'static str>,
    errors: Vec<String>,
}

impl<'a> Writer<'a> {
    fn new(registry: &'a Registry, module: &'a str, mode: Mode) -> Self {
        Writer {
            registry,
            module,
            mode,
            imports: BTreeSet::new(),
            typevars: BTreeSet::new(),
            errors: Vec::new(),
        }
    }

    /// `typing.<name>`, importing `typing`.
    fn typing(&mut self, name: &str) -> String {
        self.imports.insert("typing".to_owned());
        format!("typing.{name}")
    }

    /// The annotation `t`, in the class `def` (whose type parameters `t`
    /// may use) if any.
    fn annotation(&mut self, t: &TypeExpr, def: Option<&Def>) -> String {
        let sub = |w: &mut Self, name: &str, items: &[&TypeExpr]| {
            let items: Vec<String> = items.iter().map(|i| w.annotation(i, def)).collect();
            format!("{}[{}]", w.typing(name), items.join(", "))
        };
        match &t.0 {
            Expr::Any => self.typing("Any"),
            Expr::None => "None".to_owned(),
            Expr::Class { module, name, args } => self.class_ref(module, name, args, def),
            Expr::List(item) => sub(self, "List", &[item]),
            Expr::Tuple(items) if items.is_empty() => format!("{}[()]", self.typing("Tuple")),
            Expr::Tuple(items) => sub(self, "Tuple", &items.iter().collect::<Vec<_>>()),
            Expr::Dict(k, v) => sub(self, "Dict", &[k, v]),
            Expr::Set(item) => sub(self, "Set", &[item]),
            Expr::FrozenSet(item) => sub(self, "FrozenSet", &[item]),
            Expr::Optional(inner) => sub(self, "Optional", &[inner]),
            Expr::Union(items) => sub(self, "Union", &items.iter().collect::<Vec<_>>()),
            Expr::Param(i) => match def {
                Some(d) if d.params.contains(i) => match d.type_params.get(*i) {
                    Some(name) => {
                        self.typevars.insert(name);
                        (*name).to_owned()
                    }
                    None => self.typing("Any"),
                },
                // A class that cannot be generic (a NamedTuple) takes any value.
                Some(_) => self.typing("Any"),
                None => format!("T{i}"),
            },
            Expr::Raw(text) => {
                if !annotation_text(text) {
                    self.errors.push(format!(
                        "`{text}` is no one-line Python annotation (in `py_type`)"
                    ));
                }
                for m in modules_in(text) {
                    if m != self.module {
                        self.imports.insert(m);
                    }
                }
                text.to_string()
            }
        }
    }

    /// A class by name: bare in its own module and for builtins, else
    /// qualified (and imported); generated generic classes take the
    /// arguments for their own parameters.
    fn class_ref(
        &mut self,
        module: &str,
        name: &str,
        args: &[TypeExpr],
        def: Option<&Def>,
    ) -> String {
        let prefix = if module == "builtins" || module == self.module {
            String::new()
        } else {
            self.imports.insert(module.to_owned());
            format!("{module}.")
        };
        let args: Vec<&TypeExpr> = match self.registry.get(module, name) {
            Some(target) => target.params.iter().filter_map(|&i| args.get(i)).collect(),
            None => args.iter().collect(),
        };
        if args.is_empty() {
            return format!("{prefix}{name}");
        }
        let args: Vec<String> = args.iter().map(|a| self.annotation(a, def)).collect();
        format!("{prefix}{name}[{}]", args.join(", "))
    }

    /// `(typing.Generic[T, U])` for a generic class, else nothing.
    fn generic_base(&mut self, def: &Def) -> Option<String> {
        if def.params.is_empty() {
            return None;
        }
        let names: Vec<&str> = def
            .params
            .iter()
            .filter_map(|&i| def.type_params.get(i).copied())
            .collect();
        self.typevars.extend(names.iter().copied());
        Some(format!("{}[{}]", self.typing("Generic"), names.join(", ")))
    }

    fn class(&mut self, def: &Def, desc: &ClassDesc, fields: &[TypeExpr], out: &mut String) {
        self.check_class(def, desc);
        let annotations: Vec<String> = fields
            .iter()
            .map(|t| self.annotation(t, Some(def)))
            .collect();
        let names: Vec<&str> = desc.fields.iter().map(|f| f.name).collect();
        // Only a trailing run of optional fields defaults to None: Python
        // needs defaulted parameters after the others, and the order is
        // the Rust order (the order of the pickled attributes or arguments).
        let required = fields
            .iter()
            .rposition(|t| !t.is_optional())
            .map_or(0, |i| i + 1);
        let params: Vec<String> = names
            .iter()
            .zip(&annotations)
            .enumerate()
            .map(|(i, (n, a))| {
                if i >= required {
                    format!("{n}: {a} = None")
                } else {
                    format!("{n}: {a}")
                }
            })
            .collect();
        let generic = self.generic_base(def);
        let doc = format!("    {}\n", docstring(&format!("Rust: `{}`.", def.rust)));
        let name = &def.name;
        if desc.repr == Repr::Enum {
            let base = format!("{}.Enum", self.import("enum"));
            out.push_str(&format!("class {name}({base}):\n{doc}\n"));
            for m in desc.members {
                let value = match m.value {
                    MemberValue::Int(v) => v.to_string(),
                    MemberValue::Str(s) => str_literal(s),
                };
                out.push_str(&format!("    {} = {value}\n", m.name));
            }
            return;
        }
        if desc.repr == Repr::NewArgs {
            let base = self.typing("NamedTuple");
            out.push_str(&format!("class {name}({base}):\n{doc}"));
            attribute_lines(&params, out);
            return;
        }
        let bases = generic.map(|g| format!("({g})")).unwrap_or_default();
        if desc.repr == Repr::Slots {
            out.push_str(&format!("class {name}{bases}:\n{doc}\n"));
            self.slots_body(name, &names, &annotations, &params, out);
            return;
        }
        // State and Reduce: a dataclass, whose __init__, __eq__ and
        // __repr__ are Python's own; Reduce adds __reduce__.
        let decorator = format!("@{}.dataclass", self.import("dataclasses"));
        out.push_str(&format!("{decorator}\nclass {name}{bases}:\n{doc}"));
        attribute_lines(&params, out);
        if desc.repr == Repr::Reduce {
            let this = self.self_type(def);
            let args = if annotations.is_empty() {
                format!("{}[()]", self.typing("Tuple"))
            } else {
                format!("{}[{}]", self.typing("Tuple"), annotations.join(", "))
            };
            let ret = format!(
                "{}[{}[{this}], {args}]",
                self.typing("Tuple"),
                self.typing("Type")
            );
            out.push_str(&format!("\n    def __reduce__(self) -> {ret}:\n"));
            let values = tuple_of(names.iter().map(|n| format!("self.{n}")));
            self.method_body(&format!("return ({name}, {values})"), out);
        }
    }

    /// `__slots__`, the annotations, and `__init__`, `__eq__`, `__repr__`
    /// written out (a dataclass gets `slots=True` only from Python 3.10).
    fn slots_body(
        &mut self,
        name: &str,
        names: &[&str],
        annotations: &[String],
        params: &[String],
        out: &mut String,
    ) {
        let slots = tuple_of(names.iter().map(|n| str_literal(n)));
        out.push_str(&format!("    __slots__ = {slots}\n"));
        if !names.is_empty() {
            out.push('\n');
            for (n, a) in names.iter().zip(annotations) {
                out.push_str(&format!("    {n}: {a}\n"));
            }
        }
        let mut init = vec!["self".to_owned()];
        init.extend(params.iter().cloned());
        out.push_str(&format!(
            "\n    def __init__({}) -> None:\n",
            init.join(", ")
        ));
        let assigns: Vec<String> = names.iter().map(|n| format!("self.{n} = {n}")).collect();
        let assigns = if assigns.is_empty() {
            "pass".to_owned()
        } else {
            assigns.join("\n")
        };
        self.method_body(&assigns, out);
        // The state CPython gives a `__slots__` instance, returned by
        // `__getstate__` so that protocols 0 and 1 can write it too.
        let state = format!(
            "{}[None, {}[str, {}]]",
            self.typing("Tuple"),
            self.typing("Dict"),
            self.typing("Any")
        );
        out.push_str(&format!("\n    def __getstate__(self) -> {state}:\n"));
        let entries: Vec<String> = names
            .iter()
            .map(|n| format!("{}: self.{n}", str_literal(n)))
            .collect();
        self.method_body(&format!("return (None, {{{}}})", entries.join(", ")), out);
        out.push_str("\n    def __eq__(self, other: object) -> bool:\n");
        let ours = tuple_of(names.iter().map(|n| format!("self.{n}")));
        let theirs = tuple_of(names.iter().map(|n| format!("other.{n}")));
        self.method_body(
            &format!(
                "if not isinstance(other, {name}):\n    return NotImplemented\nreturn {ours} == {theirs}"
            ),
            out,
        );
        out.push_str("\n    def __repr__(self) -> str:\n");
        let fields: Vec<String> = names
            .iter()
            .map(|n| format!("{n}={{self.{n}!r}}"))
            .collect();
        self.method_body(&format!("return f\"{name}({})\"", fields.join(", ")), out);
    }

    /// A method's body, indented; `...` in a stub.
    fn method_body(&self, code: &str, out: &mut String) {
        if self.mode == Mode::Stub {
            out.push_str("        ...\n");
            return;
        }
        for line in code.lines() {
            out.push_str("        ");
            out.push_str(line);
            out.push('\n');
        }
    }

    /// `name = typing.Union[A, B[T]]` for an enum with data.
    fn union(&mut self, def: &Def, members: &[String], out: &mut String) {
        let module = self.module;
        let args: Vec<TypeExpr> = (0..def.type_params.len()).map(TypeExpr::param).collect();
        let refs: Vec<String> = members
            .iter()
            .map(|m| self.class_ref(module, m, &args, Some(def)))
            .collect();
        out.push_str(&format!(
            "# Rust: `{}`, one class per variant.\n{} = {}[{}]\n",
            def.rust,
            def.name,
            self.typing("Union"),
            refs.join(", ")
        ));
    }

    /// The class's own type, with its parameters: `Wrapper[T]`.
    fn self_type(&mut self, def: &Def) -> String {
        let module = self.module;
        let args: Vec<TypeExpr> = (0..def.type_params.len()).map(TypeExpr::param).collect();
        self.class_ref(module, &def.name, &args, Some(def))
    }

    /// `module`, imported.
    fn import(&mut self, module: &str) -> String {
        self.imports.insert(module.to_owned());
        module.to_owned()
    }

    /// Names that Python cannot define, or that the kind of class refuses.
    fn check_class(&mut self, def: &Def, desc: &ClassDesc) {
        let path = format!("{}.{}", def.module, def.name);
        if !identifier(&def.name) {
            self.errors.push(format!(
                "`{path}` is no class name the stub generator can define \
                 (an identifier; nested classes are not supported)"
            ));
        }
        for f in desc.fields {
            if !identifier(f.name) {
                self.errors.push(format!(
                    "field `{}` of `{path}` is no Python identifier",
                    f.name
                ));
            } else if desc.repr == Repr::NewArgs && f.name.starts_with('_') {
                self.errors.push(format!(
                    "field `{}` of `{path}` starts with `_`, which a NamedTuple refuses",
                    f.name
                ));
            } else if desc.repr == Repr::Slots && f.name == "self" {
                self.errors.push(format!(
                    "field `self` of `{path}` would clash with `__init__`'s `self`"
                ));
            }
        }
        for m in desc.members {
            if !identifier(m.name) || m.name.starts_with('_') {
                self.errors.push(format!(
                    "member `{}` of `{path}` is no `enum.Enum` member name",
                    m.name
                ));
            }
        }
    }

    /// Each top-level name is defined once: classes, aliases, `TypeVar`s
    /// and the names that imports bind.
    fn check_names(&mut self, defs: &[&Def]) {
        let mut seen = BTreeSet::new();
        let roots = self
            .imports
            .iter()
            .map(|m| m.split('.').next().unwrap_or(m).to_owned());
        let names = defs
            .iter()
            .map(|d| d.name.clone())
            .chain(self.typevars.iter().map(|t| (*t).to_owned()))
            .chain(roots.collect::<BTreeSet<_>>());
        for name in names {
            if !seen.insert(name.clone()) {
                self.errors.push(format!(
                    "`{name}` names two things in `{}` (classes, aliases, type variables and imported modules share one namespace)",
                    self.module
                ));
            }
        }
    }

    /// The header, imports, `TypeVar`s, then the classes.
    fn assemble(&mut self, defs: &[&Def], body: &str) -> String {
        let mut out = String::from(
            "# Generated by pickle-core (`pickle_core::stubs`) from Rust types; do not edit:\n\
             # regenerate it when they change, so the classes keep pickling as they do.\n",
        );
        let mut rust: Vec<&str> = Vec::new();
        for d in defs.iter().filter(|d| !d.variant) {
            if !rust.contains(&d.rust.as_str()) {
                rust.push(&d.rust);
            }
        }
        if rust.is_empty() {
            out.push_str(&format!("# The package `{}`.\n", self.module));
            return out;
        }
        out.push_str("#\n# Rust types:\n");
        for r in rust {
            out.push_str(&format!("#   {r}\n"));
        }
        out.push_str("\nfrom __future__ import annotations\n\n");
        let (std, own): (Vec<&String>, Vec<&String>) = self
            .imports
            .iter()
            .partition(|m| ["dataclasses", "enum", "typing"].contains(&m.as_str()));
        for m in &std {
            out.push_str(&format!("import {m}\n"));
        }
        if !std.is_empty() && !own.is_empty() {
            out.push('\n');
        }
        for m in &own {
            out.push_str(&format!("import {m}\n"));
        }
        if !self.typevars.is_empty() {
            out.push('\n');
            for t in &self.typevars {
                out.push_str(&format!("{t} = typing.TypeVar({})\n", str_literal(t)));
            }
        }
        out.push_str(body);
        out
    }
}

/// The annotated attributes of a dataclass or NamedTuple.
fn attribute_lines(params: &[String], out: &mut String) {
    if params.is_empty() {
        return;
    }
    out.push('\n');
    for p in params {
        out.push_str(&format!("    {p}\n"));
    }
}

/// A Python tuple display: `()`, `(a,)`, `(a, b)`.
fn tuple_of(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    match items.len() {
        0 => "()".to_owned(),
        1 => format!("({},)", items[0]),
        _ => format!("({})", items.join(", ")),
    }
}
