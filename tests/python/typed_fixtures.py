"""Values for typed decoding into std Rust types, pickled by CPython at
protocols 0-5. Prints records (name, protocol, pickle)."""
import collections
import os
import pickle
import sys

from records import write_records

x = [1, 2]
VALUES = {
    "map": {"a": [1, 2], "b": []},
    "set": {1, 2, 3},
    "frozenset": frozenset([4, 5]),
    "tuple": (1, "x", 2.5, None, True),
    "bytes": b"\x00\xff",
    "bytearray": bytearray(b"ab"),
    "chars": ["a", "é"],
    "bigints": [2**100, -5],
    "u8 overflow": [1, 300],
    "float from int": [1, 2.5],
    "nested error": {"items": [{"price": 1.0}, {"price": "x"}]},
    "ordereddict": collections.OrderedDict([("z", 1), ("y", 2)]),
    "none": None,
    "array": [1, 2, 3],
    "shared": [x, x],
    "surrogate": "a\ud800",
    "global call": [1, os.system],
}


def main():
    out = []
    for name, value in VALUES.items():
        for proto in range(6):
            out += [name.encode(), bytes([proto]), pickle.dumps(value, protocol=proto)]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
