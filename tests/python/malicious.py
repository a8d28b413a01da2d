"""Known-malicious pickle shapes, built the way attackers build them: classes
whose `__reduce__` returns a dangerous callable (pickled by CPython at every
protocol it can), and hand-assembled opcode sequences for the forms
`__reduce__` cannot produce. Nothing here is ever loaded. Writes records
(label, pickle) to stdout."""
import builtins
import copyreg
import functools
import operator
import os
import pickle
import runpy
import shutil
import subprocess
import sys
import webbrowser

from records import write_records


def reducer(name, callable_, args):
    """An object whose pickle calls `callable_(*args)`."""
    cls = type(name, (), {"__reduce__": lambda self: (callable_, args)})
    return cls()


class Innocent:
    """A plain class, to carry a malicious base or state."""


REDUCERS = {
    "os.system": reducer("A", os.system, ("true",)),
    "subprocess.Popen": reducer("B", subprocess.Popen, (["true"],)),
    "subprocess.check_output": reducer("C", subprocess.check_output, (["true"],)),
    "eval": reducer("D", eval, ("1+1",)),
    "exec": reducer("E", exec, ("x = 1",)),
    "compile": reducer("F", compile, ("1", "f", "eval")),
    "open": reducer("G", open, ("/etc/passwd",)),
    "__import__": reducer("H", __import__, ("os",)),
    "nested pickle.loads": reducer("I", pickle.loads, (pickle.dumps(reducer("J", os.system, ("true",))),)),
    "marshal.loads": reducer("L", __import__("marshal").loads, (b"N",)),
    "runpy.run_path": reducer("M", runpy.run_path, ("/tmp/x.py",)),
    "shutil.rmtree": reducer("N", shutil.rmtree, ("/tmp/x",)),
    "webbrowser.open": reducer("O", webbrowser.open, ("http://127.0.0.1/",)),
    "setattr": reducer("P", setattr, (Innocent, "x", 1)),
    "getattr eval": reducer("Q", getattr, (Innocent, "__init__")),
    "operator.attrgetter": reducer("R", operator.attrgetter, ("x",)),
    "operator.methodcaller": reducer("S", operator.methodcaller, ("x",)),
    "functools.partial of os.system": reducer("T", functools.partial, (os.system, "true")),
    "sys.exit": reducer("U", sys.exit, (0,)),
    "breakpoint": reducer("V", breakpoint, ()),
    "globals": reducer("W", globals, ()),
    "importlib.import_module": reducer("X", __import__("importlib").import_module, ("os",)),
    "copyreg base subprocess.Popen": reducer("Z", copyreg._reconstructor, (Innocent, subprocess.Popen, ["true"])),
}


def p2(op, *parts):
    return op + b"".join(parts)


def short_str(text):
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


HANDMADE = {
    # Python 2 spellings, as Python 2's pickle wrote them.
    "py2 __builtin__.eval proto 0": b"c__builtin__\neval\n(S'1+1'\ntR.",
    "py2 __builtin__.eval proto 2": b"\x80\x02c__builtin__\neval\nq\x00U\x031+1q\x01\x85q\x02Rq\x03.",
    "py2 posix.system proto 1": b"cposix\nsystem\nq\x00(U\x04trueq\x01tq\x02Rq\x03.",
    "py2 commands.getoutput": b"ccommands\ngetoutput\n(S'true'\ntR.",
    "py2 __builtin__.eval at proto 3": b"\x80\x03c__builtin__\neval\nX\x03\x00\x00\x001+1\x85R.",
    # INST and OBJ forms.
    "inst os.system": b"(S'true'\nios\nsystem\n.",
    "obj os.system": b"(cos\nsystem\nS'true'\no.",
    "inst subprocess.Popen": b"(S'true'\nisubprocess\nPopen\n.",
    # STACK_GLOBAL with the names fetched from the memo.
    "stack_global memo": b"\x80\x04" + short_str("os") + b"\x94" + short_str("system") + b"\x94" + b"0" + b"0"
    + b"h\x00h\x01\x93" + short_str("true") + b"\x85R.",
    "stack_global dotted dunder": b"\x80\x04" + short_str("builtins") + short_str("object.__subclasses__") + b"\x93)R.",
    # getattr chains.
    "getattr of __import__": b"c__builtin__\ngetattr\n(c__builtin__\n__import__\n(S'builtins'\ntRS'eval'\ntR(S'1+1'\ntR.",
    "getattr through a module attribute": b"\x80\x02cbuiltins\ngetattr\ncmymodule\nhelpers\nX\x06\x00\x00\x00system\x86RX\x04\x00\x00\x00true\x85R.",
    "getattr on a call result": b"\x80\x02cbuiltins\ngetattr\ncuuid\nUUID\nX \x00\x00\x0012345678123456781234567812345678\x85RX\x04\x00\x00\x00evil\x86R)R.",
    "getattr of builtins module object": b"\x80\x04cbuiltins\ngetattr\ncpickle\nbuiltins\nX\x04\x00\x00\x00eval\x86RX\x03\x00\x00\x001+1\x85R.",
    # The C accelerator's loads, by its own name.
    "_pickle.loads": b"\x80\x02c_pickle\nloads\nC\x02N.\x85R.",
    # `types.FunctionType` has no importable name of its own: written by hand.
    "types.FunctionType": b"\x80\x02ctypes\nFunctionType\nq\x00Nh\x00\x86R.",
    # Extension code: only the loader's registry knows what 1 means.
    "ext1": b"\x80\x02\x82\x01X\x04\x00\x00\x00true\x85R.",
    "ext4": b"\x80\x02\x84\xff\xff\xff\x7fX\x04\x00\x00\x00true\x85R.",
    # BUILD sets `__setstate__` to os.system, the next BUILD calls it.
    "build __setstate__": b"\x80\x02c__main__\nInnocent\n)\x81N}X\x0c\x00\x00\x00__setstate__cos\nsystem\ns\x86bX\x04\x00\x00\x00trueb.",
    # BUILD on an object made by a dangerous call.
    "build on Popen": b"\x80\x02csubprocess\nPopen\n)\x81}X\x04\x00\x00\x00argsX\x04\x00\x00\x00trues b.".replace(b" ", b""),
    # A dangerous call, then garbage: Python has run the call before failing.
    "system then truncated": b"cos\nsystem\n(S'true'\ntR(",
    "system then invalid opcode": b"cos\nsystem\n(S'true'\ntR\xff",
    # A dangerous call hidden behind a persistent id and out-of-band buffer.
    "persid then system": b"\x80\x05\x97X\x01\x00\x00\x00pQcos\nsystem\n(S'true'\ntR\x87.",
}


def main():
    records = []
    for label, obj in REDUCERS.items():
        for proto in range(6):
            records += [f"{label} proto {proto}".encode(), pickle.dumps(obj, protocol=proto)]
    code = 0xF0
    copyreg.add_extension("os", "system", code)
    try:
        for proto in (2, 3, 4, 5):
            records += [f"ext registered proto {proto}".encode(), pickle.dumps(REDUCERS["os.system"], protocol=proto)]
    finally:
        copyreg.remove_extension("os", "system", code)
    for label, data in HANDMADE.items():
        records += [label.encode(), data]
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    main()
