//! Which globals are plain data, known-safe standard library, or dangerous.
//!
//! The tables are deliberately small and explicit. A name on none of them is
//! [`Safety::Unknown`]: most third-party and user classes are harmless, but
//! nothing here can tell, and an unknown module may hold a gadget. The
//! dangerous list errs wide: whole modules that run code, touch files,
//! processes or the network, or reach into the interpreter.

use super::Safety;
use crate::compat;

/// How one global is classified, and why.
pub(crate) struct Class {
    pub(crate) safety: Safety,
    pub(crate) reason: &'static str,
}

const fn class(safety: Safety, reason: &'static str) -> Class {
    Class { safety, reason }
}

/// Built-in constructors of plain data, and the helpers CPython's own
/// pickler uses to rebuild instances.
const DATA: &[(&str, &str)] = &[
    ("builtins", "bool"),
    ("builtins", "bytearray"),
    ("builtins", "bytes"),
    ("builtins", "complex"),
    ("builtins", "dict"),
    ("builtins", "Ellipsis"),
    ("builtins", "float"),
    ("builtins", "frozenset"),
    ("builtins", "int"),
    ("builtins", "list"),
    ("builtins", "NotImplemented"),
    ("builtins", "object"),
    ("builtins", "range"),
    ("builtins", "set"),
    ("builtins", "slice"),
    ("builtins", "str"),
    ("builtins", "tuple"),
    ("_codecs", "encode"),
    ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"),
    ("copyreg", "__newobj_ex__"),
];

/// Standard-library classes and functions whose construction or call only
/// builds a value: no code, files, processes, network or interpreter state.
const SAFE: &[(&str, &str)] = &[
    ("array", "_array_reconstructor"),
    ("array", "array"),
    ("builtins", "abs"),
    ("builtins", "all"),
    ("builtins", "any"),
    ("builtins", "ascii"),
    ("builtins", "bin"),
    ("builtins", "callable"),
    ("builtins", "chr"),
    ("builtins", "divmod"),
    ("builtins", "format"),
    ("builtins", "hash"),
    ("builtins", "hex"),
    ("builtins", "isinstance"),
    ("builtins", "issubclass"),
    ("builtins", "len"),
    ("builtins", "oct"),
    ("builtins", "ord"),
    ("builtins", "repr"),
    ("builtins", "round"),
    ("collections", "ChainMap"),
    ("collections", "Counter"),
    ("collections", "OrderedDict"),
    ("collections", "UserDict"),
    ("collections", "UserList"),
    ("collections", "UserString"),
    ("collections", "defaultdict"),
    ("collections", "deque"),
    ("datetime", "date"),
    ("datetime", "datetime"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("datetime", "tzinfo"),
    ("decimal", "Decimal"),
    ("fractions", "Fraction"),
    ("ipaddress", "IPv4Address"),
    ("ipaddress", "IPv4Interface"),
    ("ipaddress", "IPv4Network"),
    ("ipaddress", "IPv6Address"),
    ("ipaddress", "IPv6Interface"),
    ("ipaddress", "IPv6Network"),
    ("pathlib", "PurePath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("pathlib", "Path"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("re", "_compile"),
    ("time", "struct_time"),
    ("uuid", "SafeUUID"),
    ("uuid", "UUID"),
];

/// Modules every name of which is dangerous: they run code or commands,
/// load other pickles or code, reach files, processes, the network or the
/// interpreter's internals (Python 2 names included, for protocol 3+
/// pickles that spell them without renaming).
const DANGEROUS_MODULES: &[&str] = &[
    "_ctypes",
    "_io",
    "_pickle",
    "_posixsubprocess",
    "_socket",
    "_thread",
    "_winapi",
    "asyncio",
    "bdb",
    "cPickle",
    "code",
    "codeop",
    "commands",
    "concurrent",
    "cProfile",
    "ctypes",
    "dbm",
    "dill",
    "distutils",
    "doctest",
    "ensurepip",
    "fcntl",
    "fileinput",
    "ftplib",
    "gc",
    "glob",
    "http",
    "imaplib",
    "imp",
    "importlib",
    "inspect",
    "io",
    "linecache",
    "marshal",
    "mmap",
    "multiprocessing",
    "nntplib",
    "nt",
    "os",
    "pathlib",
    "pdb",
    "pickle",
    "pip",
    "pkgutil",
    "platform",
    "poplib",
    "popen2",
    "posix",
    "profile",
    "pty",
    "pydoc",
    "resource",
    "runpy",
    "setuptools",
    "shelve",
    "shutil",
    "signal",
    "site",
    "smtplib",
    "socket",
    "socketserver",
    "sqlite3",
    "ssl",
    "subprocess",
    "sys",
    "sysconfig",
    "tarfile",
    "telnetlib",
    "tempfile",
    "threading",
    "timeit",
    "trace",
    "urllib",
    "urllib2",
    "venv",
    "webbrowser",
    "xmlrpc",
    "zipfile",
    "zipimport",
];

/// Single names that are dangerous wherever they appear (`builtins.eval`,
/// or `eval` reached through a module that imported it).
const DANGEROUS_FUNCTIONS: &[&str] = &[
    "__import__",
    "apply",
    "attrgetter",
    "breakpoint",
    "check_call",
    "check_output",
    "delattr",
    "eval",
    "exec",
    "execfile",
    "getattr",
    "getoutput",
    "getstatusoutput",
    "globals",
    "import_module",
    "locals",
    "methodcaller",
    "popen",
    "Popen",
    "setattr",
    "system",
    "vars",
];

/// Names of modules so dangerous that a module object reached as an
/// attribute of another (`somemodule.os`) is dangerous too.
const DANGEROUS_MODULE_ATTRIBUTES: &[&str] = &[
    "builtins",
    "ctypes",
    "importlib",
    "marshal",
    "nt",
    "os",
    "pickle",
    "posix",
    "runpy",
    "shutil",
    "socket",
    "subprocess",
    "sys",
];

/// Dangerous names in modules that are otherwise neither safe nor dangerous.
const DANGEROUS: &[(&str, &str)] = &[
    ("builtins", "compile"),
    ("builtins", "exit"),
    ("builtins", "file"),
    ("builtins", "help"),
    ("builtins", "input"),
    ("builtins", "open"),
    ("builtins", "quit"),
    ("builtins", "raw_input"),
    ("builtins", "reload"),
    ("codecs", "EncodedFile"),
    ("codecs", "open"),
    ("copyreg", "add_extension"),
    ("copyreg", "pickle"),
    ("joblib", "load"),
    ("numpy", "load"),
    ("operator", "call"),
    ("torch", "load"),
    ("types", "CodeType"),
    ("types", "FunctionType"),
    ("types", "LambdaType"),
    ("types", "MethodType"),
];

/// Whether `segment` is a dunder name (`__class__`, `__globals__`).
fn is_dunder(segment: &str) -> bool {
    segment.len() > 4 && segment.starts_with("__") && segment.ends_with("__")
}

fn module_in(module: &str, list: &[&str]) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    list.contains(&top)
}

/// Classifies the global `module.name` (a dotted qualified name allowed).
pub(crate) fn global(module: &str, name: &str) -> Class {
    // Python 2 spellings name the same objects (`__builtin__.eval`,
    // `posix.system`); CPython renames them at protocols below 3 and a
    // scan must not be fooled at protocol 3 and above either.
    let (module, name) = compat::to_python3(module, name).unwrap_or((module, name));
    if DATA.contains(&(module, name)) {
        return class(Safety::Data, "a built-in constructor of plain data");
    }
    if SAFE.contains(&(module, name)) {
        return class(Safety::Safe, "a known-safe standard-library name");
    }
    if DANGEROUS.contains(&(module, name)) {
        return class(
            Safety::Dangerous,
            "runs code, reads or writes files, or changes how pickles load",
        );
    }
    if module_in(module, DANGEROUS_MODULES) {
        return class(
            Safety::Dangerous,
            "a module that runs code or commands, loads code or pickles, or reaches files, processes, the network or the interpreter",
        );
    }
    let segments = || name.split('.');
    if segments().any(is_dunder) {
        return class(
            Safety::Dangerous,
            "reaches a dunder attribute, the way out of plain data to the interpreter",
        );
    }
    if segments().any(|s| DANGEROUS_FUNCTIONS.contains(&s)) {
        return class(
            Safety::Dangerous,
            "names a function that evaluates code, runs commands or reaches any attribute",
        );
    }
    if segments().any(|s| DANGEROUS_MODULE_ATTRIBUTES.contains(&s)) {
        return class(
            Safety::Dangerous,
            "reaches a dangerous module through another module's attribute",
        );
    }
    if module == "builtins" {
        return class(
            Safety::Unknown,
            "a built-in not known to be harmless (it may call what it is given)",
        );
    }
    class(
        Safety::Unknown,
        "not on the scanner's lists: what importing and calling it does is up to its module",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safety(module: &str, name: &str) -> Safety {
        global(module, name).safety
    }

    #[test]
    fn tables_classify_as_documented() {
        assert_eq!(safety("builtins", "set"), Safety::Data);
        assert_eq!(safety("copy_reg", "_reconstructor"), Safety::Data);
        assert_eq!(safety("collections", "OrderedDict"), Safety::Safe);
        assert_eq!(safety("shop.models", "Order"), Safety::Unknown);
        assert_eq!(safety("builtins", "map"), Safety::Unknown);
        for (m, n) in [
            ("os", "system"),
            ("posix", "system"),
            ("nt", "system"),
            ("os.path", "join"),
            ("subprocess", "Popen"),
            ("builtins", "eval"),
            ("__builtin__", "eval"),
            ("__builtin__", "open"),
            ("builtins", "getattr"),
            ("builtins", "object.__subclasses__"),
            ("mymodule", "os.system"),
            ("mymodule", "builtins"),
            ("commands", "getoutput"),
            ("pickle", "loads"),
            ("_pickle", "loads"),
            ("types", "FunctionType"),
            ("operator", "attrgetter"),
            ("pathlib", "Path.unlink"),
        ] {
            assert_eq!(safety(m, n), Safety::Dangerous, "{m}.{n}");
        }
        assert_eq!(safety("pathlib", "PurePosixPath"), Safety::Safe);
    }

    #[test]
    fn tables_are_consistent() {
        for (m, n) in DATA.iter().chain(SAFE) {
            assert!(!DANGEROUS.contains(&(m, n)), "{m}.{n}");
            assert!(!DANGEROUS_FUNCTIONS.contains(n), "{m}.{n}");
        }
    }
}
