"""Inputs on which pickle-core must agree with CPython's unpickler: every bytes
literal in CPython's own pickle tests (where this CPython has them), every
truncation of each, hostile
inputs built to exhaust a reader, odd arguments (NUL bytes, spaces,
prefixes) of every opcode whose argument is a line of text, and additions
to sets and frozensets. Writes records
(label, data) to stdout."""
import ast
import os
import struct
import sys

import test
from records import write_records

SOURCES = ["pickletester.py", "test_pickle.py", "test_pickletools.py"]


def missing_sources():
    """The test files this CPython lacks (Debian installs them apart, in
    libpython3.X-testsuite)."""
    folder = os.path.dirname(test.__file__)
    return [name for name in SOURCES if not os.path.exists(os.path.join(folder, name))]


def literals():
    folder = os.path.dirname(test.__file__)
    seen = set()
    for name in SOURCES:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, bytes):
                if node.value not in seen:
                    seen.add(node.value)
                    yield f"{name}:{node.lineno}", node.value


def hostile():
    """Inputs that push a reader's limits (named after what they push)."""
    # A DAG of 2**60 leaves in a few hundred bytes: each list holds the previous twice.
    dag = bytearray(b"\x80\x02]q\x00")
    for i in range(60):
        dag += b"(h" + bytes([i]) + b"h" + bytes([i]) + b"lq" + bytes([i + 1]) + b"0"
    dag += b"h" + bytes([60]) + b"."
    yield "dag 2^60 leaves", bytes(dag)
    yield "1M marks then None", b"(" * 1_000_000 + b"N."
    yield "1M marks then stop", b"(" * 1_000_000 + b"."
    yield "200k nested lists", b"\x80\x02" + b"]" * 200_000 + b"a" * 199_999 + b"."
    yield "200k nested tuples", b"\x80\x02N" + b"\x85" * 200_000 + b"."
    # {None: {None: ...}}: push the dicts and keys, then SETITEM from the inside out.
    yield "200k nested dicts", b"\x80\x02}" + b"N}" * 200_000 + b"s" * 200_000 + b"."
    claim = (1 << 62).to_bytes(8, "little")
    yield "binbytes8 2^62", b"\x80\x04\x8e" + claim + b"abc."
    yield "binunicode8 2^62", b"\x80\x04\x8d" + claim + b"abc."
    yield "bytearray8 2^62", b"\x80\x05\x96" + claim + b"abc."
    yield "frame 2^62", b"\x80\x04\x95" + claim + b"N."
    yield "binstring 4g", b"T\xff\xff\xff\xffabc."
    yield "binunicode 4g", b"X\xff\xff\xff\xffabc."
    yield "binbytes 4g", b"\x80\x03B\xff\xff\xff\xffabc."
    yield "long4 2g", b"\x80\x02\x8b\xff\xff\xff\x7fabc."
    yield "long4 negative", b"\x80\x02\x8b\xff\xff\xff\xffabc."
    yield "long_binput 0xffffffff", b"Nr\xff\xff\xff\xff."
    yield "long_binget 0xffffffff", b"j\xff\xff\xff\xff."
    yield "self-containing list", b"\x80\x02]q\x00h\x00a."
    yield "self-containing dict", b"\x80\x02}q\x00X\x01\x00\x00\x00kh\x00s."
    yield "int text 1M digits", b"I" + b"7" * 1_000_000 + b"\n."
    yield "long text 1M digits", b"L" + b"7" * 1_000_000 + b"L\n."
    yield "float text 1M digits", b"F" + b"7" * 1_000_000 + b"\n."
    yield "string text 1M", b"S'" + b"x" * 1_000_000 + b"'\n."
    yield "unicode text 1M escapes", b"V" + b"\\u20ac" * 200_000 + b"\n."
    yield "get index 1M digits", b"N" + b"p0\n" + b"g" + b"0" * 1_000_000 + b"\n."
    yield "dup flood", b"N" + b"2" * 500_000 + b"."
    yield "pop underflow", b"0."
    yield "empty", b""
    yield "stop only", b"."
    yield "unknown opcode", b"\xff"
    yield "proto 6", b"\x80\x06N."


# Arguments of the opcodes whose argument is a line of text, chosen where
# C and text parsing can differ: NUL bytes (the C unpickler reads some lines
# as C strings, which end there), spaces, signs, prefixes and underscores.
NUMBERS = [
    b"", b"\x00", b"\x00\x00", b"1\x00", b"1\x002", b"\x001", b"0\x00", b"12\x00abc",
    b"\x001\x00", b" 1", b"1 ", b"+1", b"-0", b"0x10", b"010", b"1_0", b"00", b"01", b"0",
    b"1", b"\t1", b"1\t", b"\x0b1", b"1\r", b"-", b"+", b" ", b"0b1", b"0o7",
    b"99999999999999999999", b"99999999999999999999\x00", b"-99999999999999999999",
    b"0x", b"0x\x00", b"1L", b"1\x00L", b"L", b"\x00L", b"1LL", b" -5 ", b"- 5", b"1 2",
    b"--1", b"1e3",
]
FLOATS = [
    b"1.5", b"1.5\x00x", b"1.5\x00", b"\x001.5", b"\x00", b"", b" 1.5", b"1.5 ", b"inf",
    b"nan", b"-inf", b"+nan", b"infinity", b"1e999", b"-1e999", b"1e-999", b"1_0.5",
    b"0x1p3", b"1.5\r", b"1", b".5", b"5.", b"1e", b"-0.0", b"1.5e\x00",
]
QUOTED = [
    b"'a\x00b'", b"'a'\x00", b"\x00'a'", b"'\x00'", b"'a\\\x00'", b"\"a\"", b"'a", b"a'",
    b"'", b"''", b"'\"", b"'\\x0'", b"'\\0'", b"'\\x4'", b"'\\xg0'", b"'\\u20ac'",
    b"'a'\r", b"'a' ", b"'\\'",
]
UNICODE = [
    b"a\x00b", b"\x00", b"", b"\\u0000", b"\\", b"\\u00", b"\\U00110000", b"\\x41",
    b"\xe9", b"\\u20ac\x00", b"a\r",
]
NAMES = [b"mod\x00x", b"\x00", b"", b"m od", b"m\r", b"\xe9", b"a.b", b".", b"a..b"]
MEMO_INDICES = [
    b"0", b"\x00", b"0\x00x", b"1\x00", b"\x000", b" 0", b"0 ", b"+0", b"-0", b"-1",
    b"00", b"0x0", b"0_0", b"", b"99999999999999999999",
]


def text_arguments():
    """Every opcode whose argument is a line, on odd lines."""
    for arg in NUMBERS:
        yield f"INT {arg!r}", b"I" + arg + b"\n."
        yield f"LONG {arg!r}", b"L" + arg + b"\n."
    for arg in FLOATS:
        yield f"FLOAT {arg!r}", b"F" + arg + b"\n."
    for arg in QUOTED:
        yield f"STRING {arg!r}", b"S" + arg + b"\n."
    for arg in UNICODE:
        yield f"UNICODE {arg!r}", b"V" + arg + b"\n."
    for arg in NAMES:
        yield f"GLOBAL module {arg!r}", b"c" + arg + b"\nname\n."
        yield f"GLOBAL name {arg!r}", b"cmod\n" + arg + b"\n."
        yield f"INST module {arg!r}", b"(i" + arg + b"\nname\n."
        yield f"INST name {arg!r}", b"(imod\n" + arg + b"\n."
        yield f"PERSID {arg!r}", b"P" + arg + b"\n."
    for arg in MEMO_INDICES:
        yield f"PUT {arg!r}", b"Np" + arg + b"\n."
        yield f"GET {arg!r}", b"Np0\n0g" + arg + b"\n."
        yield f"PUT then GET {arg!r}", b"Np" + arg + b"\n0g0\n."


def set_operations():
    """Adding to sets and frozensets, which CPython allows only on sets."""
    yield "additems on frozenset", b"(\x91(K\x01\x90."
    yield "additems on frozenset p4", b"\x80\x04(\x91(K\x01\x90."
    yield "no additems on frozenset", b"(\x91(\x90."
    yield "additems on frozenset()", b"cbuiltins\nfrozenset\n)R(K\x01\x90."
    yield "additems on frozenset([])", b"c__builtin__\nfrozenset\n(]tR(K\x01\x90."
    yield "additems on set", b"\x80\x04\x8f(K\x01\x90."
    yield "additems on set()", b"cbuiltins\nset\n)R(K\x01\x90."
    yield "additems on set([2])", b"c__builtin__\nset\n(]K\x02atR(K\x01\x90."
    yield "appends on frozenset", b"(\x91(K\x01e."
    yield "setitems on frozenset", b"(\x91(K\x01K\x02u."
    yield "additems on tuple", b")(K\x01\x90."
    yield "additems on list", b"](K\x01\x90."


def main():
    records = []
    missing = missing_sources()
    if missing:
        # Said to the test, which prints it: the other inputs are still checked.
        records += [f"notice: this CPython has no {', '.join(missing)}: "
                    "its literals are not checked".encode(), b""]
    else:
        for label, data in literals():
            records += [label.encode(), data]
            for cut in range(len(data)):
                records += [f"{label} cut {cut}".encode(), data[:cut]]
    for label, data in hostile():
        records += [f"hostile: {label}".encode(), data]
    for label, data in text_arguments():
        records += [f"text argument: {label}".encode(), data]
    for label, data in set_operations():
        records += [f"set operation: {label}".encode(), data]
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    main()
