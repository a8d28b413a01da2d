//! Python 2 <-> 3 names of globals, as CPython maps them at protocols below 3.
//!
//! When CPython loads a pickle of protocol 0, 1 or 2 it renames Python 2 globals
//! (`__builtin__.set`, `copy_reg._reconstructor`) to their Python 3 names, and
//! when it writes one it renames them back. The tables come from
//! `_compat_pickle` (see `tools/gen_tables.py`).

// The generated tables spell out their nested tuple types.
#[allow(clippy::type_complexity)]
mod table;

use table::{IMPORT_MAPPING, NAME_MAPPING, REVERSE_IMPORT_MAPPING, REVERSE_NAME_MAPPING};

#[allow(clippy::type_complexity)]
fn lookup_pair<'t>(
    table: &'t [((&str, &str), (&'t str, &'t str))],
    module: &str,
    name: &str,
) -> Option<(&'t str, &'t str)> {
    table
        .binary_search_by(|((m, n), _)| (*m, *n).cmp(&(module, name)))
        .ok()
        .map(|i| table[i].1)
}

fn lookup_module<'t>(table: &'t [(&str, &'t str)], module: &str) -> Option<&'t str> {
    table
        .binary_search_by(|(m, _)| (*m).cmp(module))
        .ok()
        .map(|i| table[i].1)
}

/// The Python 3 name of a global read from a pickle of protocol below 3
/// (what `Unpickler.find_class` does with `fix_imports=True`).
///
/// Returns `None` when the name is not renamed.
pub fn to_python3<'a>(module: &'a str, name: &'a str) -> Option<(&'a str, &'a str)> {
    if let Some(renamed) = lookup_pair(&NAME_MAPPING, module, name) {
        return Some(renamed);
    }
    lookup_module(&IMPORT_MAPPING, module).map(|m| (m, name))
}

/// The Python 2 name under which CPython writes a global at protocols below 3
/// (what `Pickler.save_global` does with `fix_imports=True`).
///
/// Returns `None` when the name is not renamed.
pub fn to_python2<'a>(module: &'a str, name: &'a str) -> Option<(&'a str, &'a str)> {
    if let Some(renamed) = lookup_pair(&REVERSE_NAME_MAPPING, module, name) {
        return Some(renamed);
    }
    lookup_module(&REVERSE_IMPORT_MAPPING, module).map(|m| (m, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted<K: Ord, V>(table: &[(K, V)]) -> bool {
        table.windows(2).all(|w| w[0].0 < w[1].0)
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        assert!(sorted(&NAME_MAPPING));
        assert!(sorted(&IMPORT_MAPPING));
        assert!(sorted(&REVERSE_NAME_MAPPING));
        assert!(sorted(&REVERSE_IMPORT_MAPPING));
    }

    #[test]
    fn maps_the_names_cpython_maps() {
        assert_eq!(to_python3("__builtin__", "set"), Some(("builtins", "set")));
        assert_eq!(
            to_python3("copy_reg", "_reconstructor"),
            Some(("copyreg", "_reconstructor"))
        );
        assert_eq!(
            to_python3("__builtin__", "xrange"),
            Some(("builtins", "range"))
        );
        assert_eq!(to_python3("shop", "Order"), None);
        assert_eq!(to_python2("builtins", "set"), Some(("__builtin__", "set")));
        assert_eq!(
            to_python2("copyreg", "_reconstructor"),
            Some(("copy_reg", "_reconstructor"))
        );
        assert_eq!(to_python2("shop", "Order"), None);
    }
}
