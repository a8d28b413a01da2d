"""Pickles for tests/error_kinds.rs, as records of (label, protocol, pickle).

`call`: a dict whose value is a call of `os.system` (what a hostile pickle
carries); `global`: whose value is the function `os.system` itself;
`instance`: whose value is an instance of a class (`argparse.Namespace`),
made as `object.__reduce_ex__` makes it; `class_call`: whose value is made
by calling its class (`fractions.Fraction`);
`list`: a list of 300 ints, to cut short anywhere; `stream`: three pickles
written one after another into one file by `pickle.dump`.
"""
import argparse
import fractions
import io
import os
import pickle
import sys

from records import write_records


class Call:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def main():
    out = []
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        cases = {
            "call": {"price": Call()},
            "global": {"price": os.system},
            "instance": {"price": argparse.Namespace(cents=5)},
            "class_call": {"price": fractions.Fraction(1, 3)},
            "list": list(range(300)),
        }
        for label, value in cases.items():
            out += [label.encode(), bytes([proto]), pickle.dumps(value, proto)]
        f = io.BytesIO()
        for value in (1, [2, 3], "four"):
            pickle.dump(value, f, proto)
        out += [b"stream", bytes([proto]), f.getvalue()]
    sys.stdout.buffer.write(write_records(out))


main()
