"""numpy objects that Rust writes, against numpy's own pickles of them.

stdin: records (python expression, protocol, pickle); `np` is numpy. Each
pickle must equal `pickle.dumps(eval(expression), protocol)` and load
equal to the object (for a list, item by item). Prints one JSON line per
failing record, then {"total", "identical"}."""
import json
import pickle
import sys

import numpy as np

from records import read_records


def equal(a, b):
    if isinstance(a, list):
        return type(b) is list and len(a) == len(b) and all(map(equal, a, b))
    if isinstance(a, np.ndarray):
        return type(b) is np.ndarray and a.dtype == b.dtype and np.array_equal(a, b)
    return type(a) is type(b) and a == b


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = 0
    for i in range(0, len(rec), 3):
        expr, proto, data = rec[i].decode(), int(rec[i + 1]), rec[i + 2]
        obj = eval(expr, {"np": np})
        total += 1
        expected = pickle.dumps(obj, protocol=proto)
        loaded = pickle.loads(data)
        if data == expected and equal(obj, loaded):
            identical += 1
        else:
            print(json.dumps({"expr": expr, "proto": proto, "rust": repr(data),
                              "numpy": repr(expected), "loads": repr(loaded)}))
    print(json.dumps({"total": total, "identical": identical}))


if __name__ == "__main__":
    main()
