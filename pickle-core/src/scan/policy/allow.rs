//! What is known to be safe, by profile: the names real artifacts use.
//!
//! Exact names are safe for any use. Within the packages a profile lets a
//! pickle instantiate (`sklearn`, `pandas`, `torch.nn.modules`, ...), a
//! class (a single name starting with a capital letter: `Tree`,
//! `DataFrame`, `Linear`) is safe to import, instantiate, call and give a
//! state: that is how their classes pickle themselves. Their functions
//! are not, unless listed.

use super::{class, in_module, Class, Profile, Use};
use crate::scan::Safety;

/// Built-in constructors of plain data, and the helpers CPython's own
/// pickler uses to rebuild instances.
const DATA: &[&str] = &[
    "builtins.bool",
    "builtins.bytearray",
    "builtins.bytes",
    "builtins.complex",
    "builtins.dict",
    "builtins.Ellipsis",
    "builtins.float",
    "builtins.frozenset",
    "builtins.int",
    "builtins.list",
    "builtins.NotImplemented",
    "builtins.object",
    "builtins.range",
    "builtins.set",
    "builtins.slice",
    "builtins.str",
    "builtins.tuple",
    "_codecs.encode",
    "copyreg._reconstructor",
    "copyreg.__newobj__",
    "copyreg.__newobj_ex__",
];

/// The standard library's value types and pure functions.
const STDLIB: &[&str] = &[
    "argparse.Namespace",
    "array._array_reconstructor",
    "array.array",
    "builtins.abs",
    "builtins.all",
    "builtins.any",
    "builtins.ascii",
    "builtins.bin",
    "builtins.callable",
    "builtins.chr",
    "builtins.divmod",
    "builtins.format",
    "builtins.hash",
    "builtins.hex",
    "builtins.isinstance",
    "builtins.issubclass",
    "builtins.len",
    "builtins.max",
    "builtins.min",
    "builtins.oct",
    "builtins.ord",
    "builtins.pow",
    "builtins.repr",
    "builtins.round",
    "builtins.sorted",
    "builtins.sum",
    "collections.ChainMap",
    "collections.Counter",
    "collections.OrderedDict",
    "collections.UserDict",
    "collections.UserList",
    "collections.UserString",
    "collections.defaultdict",
    "collections.deque",
    "datetime.date",
    "datetime.datetime",
    "datetime.time",
    "datetime.timedelta",
    "datetime.timezone",
    "datetime.tzinfo",
    "decimal.Decimal",
    "enum.Enum",
    "fractions.Fraction",
    "functools.partial",
    "ipaddress.IPv4Address",
    "ipaddress.IPv4Interface",
    "ipaddress.IPv4Network",
    "ipaddress.IPv6Address",
    "ipaddress.IPv6Interface",
    "ipaddress.IPv6Network",
    "logging.getLogger",
    "pathlib.Path",
    "pathlib.PosixPath",
    "pathlib.PurePath",
    "pathlib.PurePosixPath",
    "pathlib.PureWindowsPath",
    "pathlib.WindowsPath",
    "re._compile",
    "time.struct_time",
    "types.SimpleNamespace",
    "uuid.SafeUUID",
    "uuid.UUID",
    "zoneinfo.ZoneInfo",
    "zoneinfo.ZoneInfo._unpickle",
];

const NUMPY: &[&str] = &[
    "joblib.numpy_pickle.NumpyArrayWrapper",
    "numpy.core.multiarray._reconstruct",
    "numpy._core.multiarray._reconstruct",
    "numpy.core.multiarray.scalar",
    "numpy._core.multiarray.scalar",
    "numpy.core.numeric._frombuffer",
    "numpy._core.numeric._frombuffer",
    "numpy.ma.core._mareconstruct",
    "numpy.random._pickle.__randomstate_ctor",
    "numpy.random._pickle.__bit_generator_ctor",
    "numpy.random._pickle.__generator_ctor",
    "numpy.random.__RandomState_ctor",
    "numpy.random.mtrand.__RandomState_ctor",
    "numpy.dtype",
    "numpy.ndarray",
    "numpy.matrix",
    "numpy.bool",
    "numpy.bool_",
    "numpy.int8",
    "numpy.int16",
    "numpy.int32",
    "numpy.int64",
    "numpy.intc",
    "numpy.intp",
    "numpy.int_",
    "numpy.longlong",
    "numpy.uint8",
    "numpy.uint16",
    "numpy.uint32",
    "numpy.uint64",
    "numpy.uintc",
    "numpy.uintp",
    "numpy.uint",
    "numpy.ulonglong",
    "numpy.float16",
    "numpy.float32",
    "numpy.float64",
    "numpy.float_",
    "numpy.half",
    "numpy.single",
    "numpy.double",
    "numpy.longdouble",
    "numpy.complex64",
    "numpy.complex128",
    "numpy.complex_",
    "numpy.csingle",
    "numpy.cdouble",
    "numpy.clongdouble",
    "numpy.str_",
    "numpy.bytes_",
    "numpy.void",
    "numpy.object_",
    "numpy.datetime64",
    "numpy.timedelta64",
];

const TORCH: &[&str] = &[
    "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_tensor_v2",
    "torch._utils._rebuild_tensor_v3",
    "torch._utils._rebuild_parameter",
    "torch._utils._rebuild_parameter_with_state",
    "torch._utils._rebuild_sparse_tensor",
    "torch._utils._rebuild_nested_tensor",
    "torch._utils._rebuild_device_tensor_from_numpy",
    "torch._utils._rebuild_meta_tensor_no_storage",
    "torch._utils._rebuild_wrapper_subclass",
    "torch._utils._rebuild_qtensor",
    "torch._tensor._rebuild_from_type",
    "torch._tensor._rebuild_from_type_v2",
    "torch.serialization._get_layout",
    "torch.Size",
    "torch.Tensor",
    "torch.device",
    "torch.dtype",
    "torch.layout",
    "torch.memory_format",
    "torch.nn.parameter.Parameter",
    "torch.nn.parameter.Buffer",
    "torch.nn.parameter.UninitializedParameter",
    "torch.storage.TypedStorage",
    "torch.storage.UntypedStorage",
    "torch.UntypedStorage",
    "torch.TypedStorage",
    "torch.BFloat16Storage",
    "torch.BoolStorage",
    "torch.ByteStorage",
    "torch.CharStorage",
    "torch.ComplexDoubleStorage",
    "torch.ComplexFloatStorage",
    "torch.DoubleStorage",
    "torch.FloatStorage",
    "torch.HalfStorage",
    "torch.IntStorage",
    "torch.LongStorage",
    "torch.QInt32Storage",
    "torch.QInt8Storage",
    "torch.QUInt2x4Storage",
    "torch.QUInt4x2Storage",
    "torch.QUInt8Storage",
    "torch.ShortStorage",
];

/// torch's dtypes, layouts, memory formats and quantization schemes,
/// pickled by name (`torch.float32`).
const TORCH_CONSTANTS: &[&str] = &[
    "bfloat16",
    "bool",
    "cdouble",
    "cfloat",
    "chalf",
    "complex128",
    "complex32",
    "complex64",
    "double",
    "float",
    "float16",
    "float32",
    "float64",
    "float8_e4m3fn",
    "float8_e4m3fnuz",
    "float8_e5m2",
    "float8_e5m2fnuz",
    "half",
    "int",
    "int16",
    "int32",
    "int64",
    "int8",
    "long",
    "qint32",
    "qint8",
    "quint2x4",
    "quint4x2",
    "quint8",
    "short",
    "uint16",
    "uint32",
    "uint64",
    "uint8",
    "strided",
    "sparse_coo",
    "sparse_csr",
    "sparse_csc",
    "sparse_bsr",
    "sparse_bsc",
    "_mkldnn",
    "contiguous_format",
    "channels_last",
    "channels_last_3d",
    "preserve_format",
    "per_tensor_affine",
    "per_channel_affine",
    "per_tensor_symmetric",
    "per_channel_symmetric",
    "per_channel_affine_float_qparams",
];

const PANDAS: &[&str] = &[
    "pandas._libs.internals._unpickle_block",
    "pandas._libs.tslibs.timestamps._unpickle_timestamp",
    "pandas._libs.tslibs.timedeltas._timedelta_unpickle",
    "pandas._libs.tslibs.nattype.__nat_unpickle",
    "pandas.core.indexes.base._new_Index",
    "pandas.core.indexes.datetimes._new_DatetimeIndex",
    "pandas.core.indexes.period._new_PeriodIndex",
    "pandas._libs.tslibs.nattype._nat_unpickle",
    "pandas.core.internals.blocks.new_block",
    "pandas.core.internals.blocks._unpickle_block",
    "pandas.core.arrays.sparse.array._make_sparse",
];

const SKLEARN: &[&str] = &[
    "sklearn.neighbors._kd_tree.newObj",
    "sklearn.neighbors._ball_tree.newObj",
    "sklearn.metrics._dist_metrics.newObj",
];

/// Packages whose classes a profile lets a pickle instantiate.
fn instantiable(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Data => &[],
        Profile::Numpy => &["numpy.random", "numpy.dtypes", "numpy.ma"],
        Profile::Torch => &["torch.nn.modules", "torch.nn.parameter", "torch.optim"],
        Profile::Pandas => &["pandas"],
        Profile::Sklearn => &["sklearn", "scipy.sparse"],
    }
}

fn names(profile: Profile) -> &'static [&'static str] {
    match profile {
        Profile::Data => STDLIB,
        Profile::Numpy => NUMPY,
        Profile::Torch => TORCH,
        Profile::Pandas => PANDAS,
        Profile::Sklearn => SKLEARN,
    }
}

/// A class by its name: one name starting with a capital letter (after
/// the underscores of a private one).
fn is_class_name(name: &str) -> bool {
    !name.contains('.')
        && name
            .trim_start_matches('_')
            .starts_with(|c: char| c.is_ascii_uppercase())
}

pub(super) fn judge(profiles: &[Profile], module: &str, name: &str, use_: Use) -> Class {
    let full = format!("{module}.{name}");
    if DATA.contains(&full.as_str()) {
        return class(Safety::Data, "a built-in constructor of plain data");
    }
    for &p in profiles {
        if names(p).contains(&full.as_str())
            || (p == Profile::Torch && module == "torch" && TORCH_CONSTANTS.contains(&name))
        {
            return class(Safety::Safe, format!("on the `{p}` allowlist"));
        }
        if !instantiable(p).iter().any(|m| in_module(module, m)) {
            continue;
        }
        if is_class_name(name) {
            return class(
                Safety::Safe,
                format!("a class of a package the `{p}` profile instantiates"),
            );
        }
        // Cython's pickling helper of an extension type of the package.
        if name.starts_with("__pyx_unpickle_") {
            return class(
                Safety::Safe,
                format!("rebuilds an extension type of a package the `{p}` profile instantiates"),
            );
        }
    }
    let known = Profile::ALL
        .iter()
        .find(|p| instantiable(**p).iter().any(|m| in_module(module, m)) || module == p.name());
    let reason = match (known, use_) {
        (Some(p), Use::Import) if !profiles.contains(p) => {
            format!("the `{p}` profile is not in force")
        }
        (Some(p), _) if !profiles.contains(p) => format!("the `{p}` profile is not in force"),
        (Some(p), _) => format!("a function of a `{p}` package that is not on its allowlist"),
        (None, _) if module == "builtins" => {
            "a built-in not known to be harmless (it may call what it is given)".to_owned()
        }
        (None, _) => {
            "not on the scanner's lists: what importing and calling it does is up to its module"
                .to_owned()
        }
    };
    class(Safety::Unknown, reason)
}
