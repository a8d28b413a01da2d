"""Checks pickles that Rust wrote from native Rust values: each record is
(case name, protocol, bytes); the case name selects the equivalent Python
object below. A case passes when `pickle.dumps(obj, protocol)` equals Rust's
bytes and `pickle.loads` of them equals `obj`, with the same types."""
import json
import pickle
import sys
from collections import deque

from records import read_records


def same(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a.items()) == list(b.items()) and all(same(a[k], b[k]) for k in a)
    return a == b


def fresh(s):
    """A str object of its own (pickle memoizes by identity; Rust values are never shared)."""
    return "".join(list(s)) if len(s) > 1 else str(s)


def fresh_list(items):
    return [fresh(i) if isinstance(i, str) else i for i in items]


EXPECTED = {
    "bool": [True, False],
    "i8": [-128, 127],
    "i16": [-32768, 32767],
    "i32": [-(2**31), 2**31 - 1],
    "i64": [-(2**63), 2**63 - 1, 255, 256, 65535, 65536],
    "u8": [0, 255],
    "u16": [65535],
    "u32": [2**32 - 1],
    "u64": [2**64 - 1, 2**63],
    "usize": [2**64 - 1],
    "isize": [-(2**63)],
    "i128": [-(2**127), 2**127 - 1],
    "u128": [2**128 - 1],
    "f64": [0.0, -0.0, 1.5, float("inf"), float("-inf"), 1e-310, 1e16, 0.1],
    "f32": [0.5, 3.4028234663852886e38],
    "char": ["a", "é", "😀"],
    "string": fresh_list(["", "hello", "a\\b\n\x00", "€" * 100]),
    # `chr` gives CPython's one object of each code point below 256.
    "one-object strings": (
        [chr(97), chr(97), str(), str(), chr(0xE9), chr(0xE9), chr(0x100), chr(0x100)]
        + fresh_list(["ab", "ab"]),
        [chr(120), chr(120), chr(0xFF), chr(0xFF)],
        [chr(121), chr(121)],
    ),
    "strings by length": fresh_list(
        ["abcdefghijklmnopqrstuvwxyz"[:n] for n in range(21)]
        + ["\u00e9" * k for k in range(1, 10)]
        + ["\u20ac" * k for k in range(1, 7)]
        + ["\U0001f600" * k for k in range(1, 6)]
    ),
    "str 300": "s" * 300,
    "string 70k": "é" * 35000,
    "unit": None,
    "option": [None, 5],
    "vec empty": [],
    "vec 1": [7],
    "vec 1000": list(range(1000)),
    "vec 1001": list(range(1001)),
    "vec 2000": list(range(2000)),
    "vec 2500": list(range(2500)),
    "vecdeque": [1, 2, 3],
    "array": [1, 2, 3],
    "slice": [4, 5],
    "nested vec": [[1, 2], [], [3]],
    "tuple 1": (1,),
    "tuple 2": (1, fresh("two")),
    "tuple 3": (1, 2, 3),
    "tuple 4": (1, 2, 3, 4),
    "tuple 12": tuple(range(12)),
    "btreemap": {fresh("a"): 1, fresh("b"): 2},
    "hashmap one": {fresh("k"): [1.5]},
    "btreemap 1000": {i: i for i in range(1000)},
    "btreemap 1001": {i: i for i in range(1001)},
    "btreeset": {1, 2, 3},
    "btreeset 1000": set(range(1000)),
    "hashset one": {9},
    "bytebuf": b"\x00\xffbytes",
    "bytebuf 300": b"b" * 300,
    "bytebuf 70k": b"\x01" * 70000,
    "bytes": b"borrowed",
    "bytearray": bytearray(b"\x00array"),
    "bytearray empty": bytearray(),
    "boxed": [1, 2],
    "rc arc cow": (fresh("rc"), fresh("arc"), fresh("cow")),
    "bigint": [2**200, -(2**200)],
    "reduce": [__import__("decimal").Decimal("-12.3400"), __import__("decimal").Decimal("-12.3400")],
    "singleton": [__import__("datetime").timezone.utc, __import__("datetime").timezone.utc],
    # `builtins` is one string object for the C functions of the module and
    # another for its types.
    "c function and types": [getattr, bytearray(b"x"), getattr],
    "shared value": None,  # built below: one list object twice
    "deep value": None,
}

shared = [1, 2]
EXPECTED["shared value"] = [shared, shared]
EXPECTED["deep value"] = {fresh("k"): (frozenset([1]), {2}, bytearray(b"x"))}


def main():
    rec = read_records(sys.stdin.buffer.read())
    failures, total = [], 0
    for i in range(0, len(rec), 3):
        name, proto, data = rec[i].decode(), rec[i + 1][0], rec[i + 2]
        total += 1
        obj = EXPECTED[name]
        expected = pickle.dumps(obj, protocol=proto)
        if data != expected:
            failures.append(f"{name} @ {proto}: bytes differ\n  rust   {data[:200]!r}\n  python {expected[:200]!r}")
            continue
        if not same(pickle.loads(data), obj):
            failures.append(f"{name} @ {proto}: loads to {pickle.loads(data)!r}")
    missing = set(EXPECTED) - {rec[i].decode() for i in range(0, len(rec), 3)}
    for name in sorted(missing):
        failures.append(f"{name}: not written by the test")
    for f in failures:
        print(f)
    print(json.dumps({"total": total, "failures": len(failures)}))


if __name__ == "__main__":
    main()
