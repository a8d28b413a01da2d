"""Writes pickles for the one-pass `Value` reader's test in streaming.rs:
records of name, protocol, expectation, pickle, at protocols 2 to 5.

The expectation is `fast` for the shapes the reader must read itself (what
CPython writes for plain data, shared strings, tuples, lists and
instances, globals), `bail` for those it must leave to the general reader
(cycles), and `any` for those it may read only at some protocols (sets and
bytes are calls below protocols 4 and 3)."""
import collections
import pickle
import sys
from dataclasses import dataclass

from records import write_records


@dataclass
class Point:
    x: int
    y: float
    label: str


class Plain:
    def __init__(self, n):
        self.n = n
        self.name = "plain %d" % n


def cases():
    shared = "shared text"
    pair = (1, "one")
    big = 2**100
    looped = [1]
    looped.append(looped)
    twice = [1, 2]
    point = Point(1, 2.5, "p")
    selfish = Plain(7)
    selfish.me = selfish
    names = ["s%d" % i for i in range(40)]
    inside = {"k": 1}
    inside["self"] = inside
    return {
        "atoms": ("fast", [None, True, False, 0, 255, 65535, -1, 2**31, -(2**63), 2**64, -big, 1.5, -0.0, float("inf")]),
        "text": ("fast", ["", "ascii", "\u00e9\u20ac\U0001f600", "x" * 300, "lone \udc80 surrogate"]),
        "shared_strings": ("fast", [shared, shared, {"key": shared, shared: 1}, (shared,)]),
        "shared_tuple": ("fast", [pair, pair, {pair: pair}]),
        "shared_big_int": ("fast", [big, big]),
        "nested": ("fast", {"a": [1, [2, [3, [4, ()]]]], "b": {"c": {"d": {}}}, "t": ((1,), (2, 3), (4, 5, 6), (7, 8, 9, 10))}),
        "globals": ("fast", [len, dict, pickle.dumps, collections.OrderedDict, Point]),
        "instances": ("fast", [Point(i, i / 2, "label %d" % i) for i in range(5)]),
        "plain_instances": ("fast", [Plain(i) for i in range(3)]),
        "ordered_dict": ("fast", collections.OrderedDict([("a", 1), ("b", [2])])),
        "bytes": ("any", [b"", b"abc", b"\x00\xff" * 200, bytearray(b"xyz")]),
        "sets": ("any", [{1, 2, 3}, frozenset({"a", "b"}), set()]),
        # More entries read than the reader restarts for, and one read late
        # in the pickle: both take the plan's pass instead.
        "many_shared": ("fast", [names, list(names)]),
        "late_shared": ("fast", [shared] + list(range(2000)) + [shared]),
        "shared_list": ("fast", [twice, twice, {"again": twice}]),
        "shared_instance": ("fast", [point, point]),
        "cycle": ("bail", looped),
        "instance_cycle": ("bail", [selfish]),
        "dict_cycle": ("bail", inside),
    }


def main():
    out = []
    for name, (expect, value) in cases().items():
        for proto in range(2, 6):
            data = pickle.dumps(value, protocol=proto)
            out += [name.encode(), str(proto).encode(), expect.encode(), data]
    sys.stdout.buffer.write(write_records(out))


main()
