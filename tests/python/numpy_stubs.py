"""numpy's side of tests/numpy_stubs.rs: the package generated from the
Rust types (in the directory argv[1]) against what Rust writes.

stdin: records (python expression, protocol, pickle); the expression
builds the object with the generated constructors and numpy (`np`). Each
pickle must equal `pickle.dumps(obj, protocol)`, byte for byte, and load as
instances of the generated class whose array fields are `numpy.ndarray`s
equal to the object's (same dtype and shape). Prints one JSON line per
failing record, then {"total", "identical"}."""
import dataclasses
import json
import pickle
import sys

import numpy as np

sys.path.insert(0, sys.argv[1])
import npgen  # noqa: E402  (generated into argv[1])

from records import read_records  # noqa: E402


def same(loaded, obj):
    """Why `loaded` differs from `obj`, or None."""
    if isinstance(obj, list):
        if type(loaded) is not list or len(loaded) != len(obj):
            return "loads %r" % (loaded,)
        return next((p for p in map(same, loaded, obj) if p), None)
    if type(loaded) is not type(obj):
        return "loads a %s" % type(loaded).__name__
    for field in dataclasses.fields(obj):
        a, b = getattr(loaded, field.name), getattr(obj, field.name)
        if isinstance(b, np.ndarray):
            if type(a) is not np.ndarray or a.dtype != b.dtype or not np.array_equal(a, b):
                return "%s: loads %r, expected %r" % (field.name, a, b)
        elif a != b:
            return "%s: loads %r" % (field.name, a)
    return None


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = 0
    for i in range(0, len(rec), 3):
        expr, proto, data = rec[i].decode(), int(rec[i + 1]), rec[i + 2]
        obj = eval(expr, {"np": np, "npgen": npgen})
        total += 1
        problem = same(pickle.loads(data), obj)
        expected = pickle.dumps(obj, protocol=proto)
        if problem or data != expected:
            print(json.dumps({"expr": expr[:80], "proto": proto, "problem": problem,
                              "rust": repr(data[:300]), "numpy": repr(expected[:300])}))
        else:
            identical += 1
    print(json.dumps({"total": total, "identical": identical}))


if __name__ == "__main__":
    main()
