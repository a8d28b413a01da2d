"""Pickles that look like numpy's but lie, for tests/numpy_hostile.rs:
written by CPython's own pickler from objects whose `__reduce__` returns
numpy's callables with arguments numpy would refuse (or that overflow).
Nothing here is loaded.

Prints records: name, the error kind a typed read must give, the pickle.
"""
import pickle
import sys

import numpy as np

from records import write_records

RECONSTRUCT, _, _ = np.zeros(1).__reduce__()
FROMBUFFER = np.zeros(1).__reduce_ex__(5)[0]
F8 = np.dtype("f8")


class Lie:
    def __init__(self, *reduce):
        self.reduce = reduce

    def __reduce__(self):
        return self.reduce


def array(state, cls=np.ndarray):
    return Lie(RECONSTRUCT, (cls, (0,), b"b"), state)


def frombuffer(data, dtype=F8, shape=(2,), order="C", *state):
    return Lie(FROMBUFFER, (data, dtype, shape, order), *state)


def dtype(name="f8", state=(3, "<", None, None, None, -1, -1, 0)):
    return Lie(np.dtype, (name, False, True), state)


CASES = [
    ("shape overflows", "OutOfRange", array((1, (2 ** 62, 2 ** 62), F8, False, b""))),
    ("shape overflows before a zero", "OutOfRange",
     array((1, (2 ** 40, 2 ** 40, 2 ** 40, 0), F8, False, b""))),
    ("one huge dimension", "OutOfRange", array((1, (2 ** 61,), F8, False, b""))),
    ("negative dimension", "OutOfRange", array((1, (-1, 3), F8, False, b""))),
    ("negative dimension of an empty array", "OutOfRange", array((1, (0, -3), F8, False, b""))),
    ("too many dimensions", "OutOfRange", array((1, (1,) * 65, F8, False, b"\0" * 8))),
    ("data too short", "Type", array((1, (2, 3), F8, False, b"\0" * 47))),
    ("data too long", "Type", array((1, (2, 3), F8, False, b"\0" * 49))),
    ("data for an empty array", "Type", array((1, (0, 3), F8, False, b"\0" * 8))),
    ("data of no bytes", "Type", array((1, (1,), F8, False, 12345678))),
    ("shape of floats", "Type", array((1, (2.0, 3.0), F8, False, b"\0" * 48))),
    ("shape of a str", "Type", array((1, "ab", F8, False, b"\0" * 16))),
    ("state of three", "Type", array((1, (1,), F8))),
    ("state version 2", "Type", array((2, (1,), F8, False, b"\0" * 8))),
    ("no dtype", "Type", array((1, (1,), "f8", False, b"\0" * 8))),
    ("dtype name that is no dtype", "Type", array((1, (1,), dtype("zz8"), False, b"\0" * 8))),
    ("dtype of a size numpy lacks", "Type", array((1, (1,), dtype("f3"), False, b"\0" * 3))),
    ("dtype of a bad byte order", "Type",
     array((1, (1,), dtype(state=(3, "x", None, None, None, -1, -1, 0)), False, b"\0" * 8))),
    ("dtype state version 9", "Type",
     array((1, (1,), dtype(state=(9, "<", None, None, None, -1, -1, 0)), False, b"\0" * 8))),
    ("object dtype with bytes", "Type", array((1, (1,), np.dtype("O"), False, b"\0" * 8))),
    ("a subclass", "UnexpectedGlobal", array((1, (1, 1), F8, False, b"\0" * 8), cls=np.matrix)),
    ("another global", "UnexpectedGlobal", Lie(print, ("x",))),
    ("frombuffer too short", "Type", frombuffer(bytearray(10))),
    ("frombuffer of an order numpy lacks", "Type", frombuffer(bytearray(16), F8, (2,), "X")),
    ("frombuffer of a str", "Type", frombuffer("abcdefghijklmnop")),
    ("frombuffer given a state", "Type", frombuffer(bytearray(16), F8, (2,), "C", (1,))),
    ("frombuffer shape overflows", "OutOfRange", frombuffer(bytearray(16), F8, (2 ** 32, 2 ** 32))),
]


def main():
    out = []
    for name, kind, obj in CASES:
        for proto in (2, 5):
            out += [("%s p%d" % (name, proto)).encode(), kind.encode(), pickle.dumps(obj, protocol=proto)]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
