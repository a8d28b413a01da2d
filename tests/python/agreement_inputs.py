"""Inputs on which pickle-core must agree with CPython's unpickler: every bytes
literal in CPython's own pickle tests, every truncation of each, and hostile
inputs built to exhaust a reader. Writes records (label, data) to stdout."""
import ast
import os
import struct
import sys

import test
from records import write_records

SOURCES = ["pickletester.py", "test_pickle.py", "test_pickletools.py"]


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


def main():
    records = []
    for label, data in literals():
        records += [label.encode(), data]
        for cut in range(len(data)):
            records += [f"{label} cut {cut}".encode(), data[:cut]]
    for label, data in hostile():
        records += [f"hostile: {label}".encode(), data]
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    main()
