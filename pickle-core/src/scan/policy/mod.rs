//! What a scan accepts: one policy, shared by `pickle-inspect scan` and
//! [`Scanner`](super::Scanner); the rules are on [`Policy`].

mod allow;
mod deny;

use std::borrow::Cow;
use std::fmt;

use super::Safety;
use crate::value::Global;

/// How a name is used, which decides what is asked of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Use {
    /// Imported (`GLOBAL`, `STACK_GLOBAL`, reached by `getattr`).
    Import,
    /// Called (`REDUCE`, `INST`, `OBJ`).
    Call,
    /// A class instantiated without calling it (`NEWOBJ`,
    /// `copyreg._reconstructor`, numpy's `_reconstruct`).
    Instantiate,
    /// The class of an object whose state is set (`BUILD`).
    Build,
}

/// A judgement and its reason.
pub(crate) struct Class {
    pub(crate) safety: Safety,
    pub(crate) reason: Cow<'static, str>,
}

fn class(safety: Safety, reason: impl Into<Cow<'static, str>>) -> Class {
    Class {
        safety,
        reason: reason.into(),
    }
}

/// A curated set of names that real artifacts of one ecosystem use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Profile {
    /// Built-in data types and the standard library's value types
    /// (`collections`, `datetime`, `decimal`, `uuid.UUID`, ...). Always in
    /// force.
    Data,
    /// numpy arrays, dtypes, scalars and random generators, and the
    /// wrappers joblib stores arrays in.
    Numpy,
    /// PyTorch checkpoints: storages, tensors, parameters, `torch.Size`,
    /// dtypes and devices, and `torch.nn` modules saved whole.
    Torch,
    /// pandas frames, series, indexes, blocks and their dtypes.
    Pandas,
    /// scikit-learn estimators (and the scipy sparse matrices they hold).
    Sklearn,
}

impl Profile {
    /// Every profile: what [`Policy::new`] uses.
    pub const ALL: [Profile; 5] = [
        Profile::Data,
        Profile::Numpy,
        Profile::Torch,
        Profile::Pandas,
        Profile::Sklearn,
    ];

    /// The profile's name: `data`, `numpy`, `torch`, `pandas`, `sklearn`.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Data => "data",
            Profile::Numpy => "numpy",
            Profile::Torch => "torch",
            Profile::Pandas => "pandas",
            Profile::Sklearn => "sklearn",
        }
    }

    /// The profile of a name, as [`Profile::name`] spells it.
    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The profiles this one needs (a torch checkpoint holds numpy values).
    fn implies(self) -> &'static [Profile] {
        match self {
            Profile::Data => &[],
            Profile::Numpy => &[Profile::Data],
            Profile::Torch | Profile::Pandas | Profile::Sklearn => &[Profile::Data, Profile::Numpy],
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a scan accepts: the allowlist, the denylist and the user's
/// additions, shared by `pickle-inspect scan` and [`Scanner`](super::Scanner).
///
/// A name is judged in this order:
///
/// 1. names the user allowed exactly ([`Policy::allow`]) are safe;
/// 2. the denylist: known gadgets, each with the reason it is one
///    (modules that run code or commands, reach files, processes or the
///    network, load other pickles; functions that evaluate code or reach any
///    attribute; dunder attributes; modules reached through another
///    module's attribute, as `random._os`) is dangerous;
/// 3. modules the user allowed ([`Policy::allow_module`]) are safe;
/// 4. the allowlist of the [`Profile`]s in force: built-in data types and
///    the standard library's value types always, and, per profile, numpy's
///    array, dtype and scalar reconstruction, torch's storage and tensor
///    rebuild functions, pandas' and scikit-learn's classes, which a pickle
///    instantiates (by `NEWOBJ`, `copyreg._reconstructor` or a call of the
///    class) and then sets the state of (`BUILD`);
/// 5. anything else is [`Safety::Unknown`], which fails the default gate:
///    harmless or not, only the code behind the name can tell.
///
/// ```
/// use pickle_core::scan::{Policy, Profile, Safety, Scanner};
///
/// // pickle.dumps(shop.Order()) for a class `Order` of module `shop`
/// let data = b"\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x04shop\x94\x8c\x05Order\x94\x93\x94)\x81\x94.";
/// assert_eq!(pickle_core::scan(data).verdict(), Safety::Unknown);
/// let policy = Policy::new().allow("shop.Order");
/// assert_eq!(Scanner::new().policy(&policy).scan(data).verdict(), Safety::Safe);
/// // Only plain data and the standard library's value types:
/// let strict = Policy::with_profiles(&[Profile::Data]);
/// assert_eq!(strict.judge_name("numpy", "dtype"), Safety::Unknown);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    profiles: Vec<Profile>,
    allowed: Vec<String>,
    allowed_modules: Vec<String>,
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::new()
    }
}

impl Policy {
    /// Every [`Profile`], and nothing the user allowed.
    pub fn new() -> Policy {
        Policy::with_profiles(&Profile::ALL)
    }

    /// Only `profiles` (and the ones they need; [`Profile::Data`] always).
    pub fn with_profiles(profiles: &[Profile]) -> Policy {
        let mut all = vec![Profile::Data];
        for &p in profiles {
            all.push(p);
            all.extend_from_slice(p.implies());
        }
        all.sort();
        all.dedup();
        Policy {
            profiles: all,
            allowed: Vec::new(),
            allowed_modules: Vec::new(),
        }
    }

    /// The profiles in force.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// Accepts the global `name` (`module.Class`, or `module.function`)
    /// for any use, even one the denylist names: the user knows it.
    pub fn allow(mut self, name: &str) -> Policy {
        self.allowed.push(name.to_owned());
        self
    }

    /// Accepts every name in module `module` and its submodules, except
    /// those the denylist names.
    pub fn allow_module(mut self, module: &str) -> Policy {
        self.allowed_modules
            .push(module.trim_end_matches('.').to_owned());
        self
    }

    /// How this policy judges `module.name` used as an import; a short way
    /// to ask about a name (a scan also judges how the pickle uses it).
    pub fn judge_name(&self, module: &str, name: &str) -> Safety {
        self.judge(&Global::new(module, name), Use::Import).safety
    }

    pub(crate) fn judge(&self, global: &Global, use_: Use) -> Class {
        let (Some(module), Some(name)) = (global.module.as_str(), global.name.as_str()) else {
            return class(
                Safety::Unknown,
                "a name with a lone surrogate, which Python cannot import",
            );
        };
        // Python 2 spellings name the same objects (`__builtin__.eval`);
        // CPython renames them below protocol 3, and a scan must not be
        // fooled at protocol 3 and above either.
        let (module, name) = crate::compat::to_python3(module, name).unwrap_or((module, name));
        let full = format!("{module}.{name}");
        if self.allowed.contains(&full) {
            return class(Safety::Safe, "allowed by the user");
        }
        if let Some(reason) = deny::reason(module, name) {
            return class(Safety::Dangerous, reason);
        }
        if self.allowed_modules.iter().any(|m| in_module(module, m)) {
            return class(Safety::Safe, "in a module the user allowed");
        }
        allow::judge(&self.profiles, module, name, use_)
    }
}

/// Whether `module` is `parent` or one of its submodules.
pub(crate) fn in_module(module: &str, parent: &str) -> bool {
    module == parent
        || module
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judge(module: &str, name: &str, use_: Use) -> Safety {
        Policy::new().judge(&Global::new(module, name), use_).safety
    }

    #[test]
    fn order_of_rules() {
        assert_eq!(judge("builtins", "set", Use::Call), Safety::Data);
        assert_eq!(judge("collections", "OrderedDict", Use::Call), Safety::Safe);
        assert_eq!(
            judge("shop.models", "Order", Use::Instantiate),
            Safety::Unknown
        );
        assert_eq!(judge("os", "system", Use::Import), Safety::Dangerous);
        assert_eq!(judge("random", "_os", Use::Import), Safety::Dangerous);
        assert_eq!(judge("__builtin__", "eval", Use::Call), Safety::Dangerous);
        let p = Policy::new()
            .allow("shop.models.Order")
            .allow_module("acme");
        let j = |m: &str, n: &str| p.judge(&Global::new(m, n), Use::Call).safety;
        assert_eq!(j("shop.models", "Order"), Safety::Safe);
        assert_eq!(j("shop.models", "Other"), Safety::Unknown);
        assert_eq!(j("acme.sub", "anything"), Safety::Safe);
        assert_eq!(j("acmecorp", "x"), Safety::Unknown);
        // A module allowed wholesale does not lift the denylist.
        let p = Policy::new().allow_module("os");
        assert_eq!(
            p.judge(&Global::new("os", "system"), Use::Call).safety,
            Safety::Dangerous
        );
        let p = Policy::new().allow("os.system");
        assert_eq!(
            p.judge(&Global::new("os", "system"), Use::Call).safety,
            Safety::Safe
        );
    }

    #[test]
    fn profiles_narrow_the_allowlist() {
        let data = Policy::with_profiles(&[Profile::Data]);
        assert_eq!(data.judge_name("numpy", "dtype"), Safety::Unknown);
        assert_eq!(data.judge_name("datetime", "datetime"), Safety::Safe);
        let torch = Policy::with_profiles(&[Profile::Torch]);
        assert_eq!(
            torch.profiles(),
            &[Profile::Data, Profile::Numpy, Profile::Torch]
        );
        assert_eq!(
            torch.judge_name("torch._utils", "_rebuild_tensor_v2"),
            Safety::Safe
        );
        assert_eq!(torch.judge_name("numpy", "dtype"), Safety::Safe);
        assert_eq!(
            torch.judge_name("pandas.core.frame", "DataFrame"),
            Safety::Unknown
        );
        assert_eq!(Profile::from_name("torch"), Some(Profile::Torch));
    }
}
