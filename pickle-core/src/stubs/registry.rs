//! The classes found so far: each Rust type that maps to Python classes
//! describes them here once, with its fields' annotations, as its
//! [`PyType`](super::PyType) implementation runs.

use std::collections::{BTreeMap, BTreeSet};

use super::types::{Expr, TypeExpr};
use crate::class::{ClassDesc, Repr};

/// A Rust type mapped to Python classes, as `#[derive(ToPickle)]` describes
/// it to [`Registry::describe`]: built as a `static`.
#[derive(Clone, Copy, Debug)]
pub struct TypeDesc {
    /// The Rust path of the type (`shop::models::Order`), for the comments
    /// of the generated module.
    pub rust: &'static str,
    /// The type parameters that the fields' annotations use, by Rust name
    /// (`T`): the Python `TypeVar`s of the generic classes.
    pub params: &'static [&'static str],
    /// The classes.
    pub shape: TypeShape,
}

/// What Python classes a Rust type is.
#[derive(Clone, Copy, Debug)]
pub enum TypeShape {
    /// One class (a struct, or an enum of unit variants, which is an
    /// `enum.Enum`).
    Class(&'static ClassDesc),
    /// An enum with data: one class per variant, and a `typing.Union` of
    /// them named `name` in `module`.
    Union {
        /// The module of the classes and the alias.
        module: &'static str,
        /// The alias's name (the Rust enum's name).
        name: &'static str,
        /// Each variant's Rust name and class.
        variants: &'static [(&'static str, &'static ClassDesc)],
    },
}

/// A class or alias to be generated, keyed by module and name.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Def {
    pub module: String,
    pub name: String,
    /// The Rust type (or variant) it comes from.
    pub rust: String,
    /// Whether it is the class of a variant of an enum with data.
    pub variant: bool,
    /// The Rust type's parameter names, indexed by [`Expr::Param`].
    pub type_params: Vec<&'static str>,
    /// The indices of the parameters of this class in Python (`Generic[T]`).
    pub params: Vec<usize>,
    pub kind: DefKind,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DefKind {
    Class {
        desc: ClassDesc,
        /// The annotations of `desc.fields`, in order.
        fields: Vec<TypeExpr>,
    },
    /// `name = typing.Union[...]` of these classes of the same module.
    Union { members: Vec<String> },
}

/// The classes recorded so far, in the order their descriptions completed
/// (so a class comes after the classes its fields name, cycles aside).
///
/// [`PyType`](super::PyType) implementations receive it; those of derived
/// types call [`describe`](Registry::describe). Other implementations need
/// not touch it.
#[derive(Debug, Default)]
pub struct Registry {
    defs: Vec<Def>,
    /// `(module, name)` -> index in `defs`.
    index: BTreeMap<(String, String), usize>,
    /// The Rust types whose description has started.
    seen: BTreeSet<&'static str>,
    errors: Vec<String>,
}

impl Registry {
    /// Records the classes of `ty` (once per Rust type, however often it is
    /// named) and returns the annotation naming them, subscripted with
    /// `args` if the classes are generic.
    ///
    /// `args` are the annotations of the type's arguments, in the order of
    /// `ty.params`. `fields` gives, for each class of `ty.shape` (one, or
    /// one per variant), the annotations of its fields in the order of its
    /// [`ClassDesc::fields`], with [`TypeParam<N>`](super::TypeParam)
    /// standing for the type parameter `ty.params[N]`; it is called at most
    /// once, so a type that contains itself does not recurse forever.
    pub fn describe<F>(&mut self, ty: &'static TypeDesc, args: Vec<TypeExpr>, fields: F) -> TypeExpr
    where
        F: FnOnce(&mut Registry) -> Vec<Vec<TypeExpr>>,
    {
        let (module, name) = match ty.shape {
            TypeShape::Class(desc) => (desc.module, desc.name),
            TypeShape::Union { module, name, .. } => (module, name),
        };
        let reference = TypeExpr(Expr::Class {
            module: module.into(),
            name: name.into(),
            args,
        });
        if !self.seen.insert(ty.rust) {
            return reference;
        }
        let mut annotations = fields(self).into_iter();
        let mut def = |rust: String, desc: &ClassDesc, variant: bool| {
            let fields = annotations.next().unwrap_or_default();
            class_def(ty, rust, desc, fields, variant)
        };
        match ty.shape {
            TypeShape::Class(desc) => {
                let class = def(ty.rust.to_owned(), desc, false);
                self.insert(class);
            }
            TypeShape::Union {
                module,
                name,
                variants,
            } => {
                let mut params = BTreeSet::new();
                let mut members = Vec::new();
                for (variant, desc) in variants {
                    let class = def(format!("{}::{variant}", ty.rust), desc, true);
                    params.extend(class.params.iter().copied());
                    members.push(class.name.clone());
                    self.insert(class);
                }
                self.insert(Def {
                    module: module.to_owned(),
                    name: name.to_owned(),
                    rust: ty.rust.to_owned(),
                    variant: false,
                    type_params: ty.params.to_vec(),
                    params: params.into_iter().collect(),
                    kind: DefKind::Union { members },
                });
            }
        }
        reference
    }

    /// Adds `def`, unless an equal one is there; a different one of the
    /// same name is an error.
    fn insert(&mut self, def: Def) {
        let key = (def.module.clone(), def.name.clone());
        match self.index.get(&key) {
            Some(&i) => {
                let old = &self.defs[i];
                if !same_class(old, &def) {
                    self.errors.push(format!(
                        "`{}.{}` is described differently by `{}` and `{}`",
                        def.module, def.name, old.rust, def.rust
                    ));
                }
            }
            None => {
                self.index.insert(key, self.defs.len());
                self.defs.push(def);
            }
        }
    }

    /// Every class and alias, in order.
    pub(crate) fn defs(&self) -> &[Def] {
        &self.defs
    }

    /// The class or alias `name` of `module`, if generated.
    pub(crate) fn get(&self, module: &str, name: &str) -> Option<&Def> {
        self.index
            .get(&(module.to_owned(), name.to_owned()))
            .map(|&i| &self.defs[i])
    }

    /// The errors found while recording.
    pub(crate) fn errors(&self) -> &[String] {
        &self.errors
    }
}

/// The definition of one class of `ty`, its Python type parameters being
/// those its fields use (none for a `NamedTuple`, which cannot be generic
/// before Python 3.11).
fn class_def(
    ty: &TypeDesc,
    rust: String,
    desc: &ClassDesc,
    fields: Vec<TypeExpr>,
    variant: bool,
) -> Def {
    let mut params = BTreeSet::new();
    if desc.repr != Repr::NewArgs {
        for f in &fields {
            collect_params(f, &mut params);
        }
    }
    Def {
        module: desc.module.to_owned(),
        name: desc.name.to_owned(),
        rust,
        variant,
        type_params: ty.params.to_vec(),
        params: params.into_iter().collect(),
        kind: DefKind::Class {
            desc: *desc,
            fields,
        },
    }
}

/// Two descriptions of one Python class agree: same kind, fields and
/// annotations, members (the Rust types and read-only details may differ).
fn same_class(a: &Def, b: &Def) -> bool {
    match (&a.kind, &b.kind) {
        (
            DefKind::Class {
                desc: da,
                fields: fa,
            },
            DefKind::Class {
                desc: db,
                fields: fb,
            },
        ) => {
            let names = |d: &ClassDesc| d.fields.iter().map(|f| f.name).collect::<Vec<_>>();
            da.repr == db.repr
                && names(da) == names(db)
                && da.members == db.members
                && fa == fb
                && a.params.len() == b.params.len()
        }
        (DefKind::Union { members: ma }, DefKind::Union { members: mb }) => ma == mb,
        _ => false,
    }
}

/// Adds the type parameters that `t` uses to `out`.
pub(crate) fn collect_params(t: &TypeExpr, out: &mut BTreeSet<usize>) {
    match &t.0 {
        Expr::Param(i) => {
            out.insert(*i);
        }
        Expr::Class { args, .. } | Expr::Tuple(args) | Expr::Union(args) => {
            for a in args {
                collect_params(a, out);
            }
        }
        Expr::List(a) | Expr::Set(a) | Expr::FrozenSet(a) | Expr::Optional(a) => {
            collect_params(a, out);
        }
        Expr::Dict(k, v) => {
            collect_params(k, out);
            collect_params(v, out);
        }
        Expr::Any | Expr::None | Expr::Raw(_) => {}
    }
}
