"""numpy's side of tests/numpy_write.rs: Rust's pickles of arrays against
what numpy itself writes for the equal arrays.

stdin: records, per case: name, protocol, out of band ("1" or "0"),
single ("1": one array, "0": a list), the number of arrays, then per array its dtype (`<f4`), shape
(`2,3`), layout (`C`, `F`, or `S`: `base[::-1, ::2]` of the given base)
and raw bytes (C order), then Rust's pickle, the number of out-of-band
buffers and the buffers.

For each case, the equal numpy object is built; Rust's pickle must equal
`pickle.dumps(obj, protocol)` (with `buffer_callback`, when Rust wrote
buffers: then the buffers must be equal too), and load as arrays equal to
it: same dtype, shape, values, C/Fortran contiguity, writable. Prints one
JSON line per failing case, then {"numpy", "total", "identical", "loaded"}.
"""
import json
import pickle
import sys

import numpy as np

from records import read_records


def build(dtype, shape, layout, raw):
    dims = tuple(int(n) for n in shape.split(",") if n)
    a = np.frombuffer(raw, dtype=np.dtype(dtype)).copy().reshape(dims)
    if layout == "F":
        return np.asfortranarray(a)
    if layout == "S":
        return a[::-1, ::2]
    return a


def same_array(loaded, expected):
    """Why `loaded` differs from `expected`, or None."""
    if type(loaded) is not np.ndarray:
        return f"loads a {type(loaded).__name__}"
    if loaded.dtype != expected.dtype or loaded.shape != expected.shape:
        return f"loads {loaded.dtype}{loaded.shape}, expected {expected.dtype}{expected.shape}"
    if not np.array_equal(loaded, expected):
        return f"loads {loaded!r}, expected {expected!r}"
    contiguous = expected.flags.c_contiguous or expected.flags.f_contiguous
    if contiguous and (loaded.flags.c_contiguous, loaded.flags.f_contiguous) != (
        expected.flags.c_contiguous,
        expected.flags.f_contiguous,
    ):
        return f"loads with flags {loaded.flags}"
    if not contiguous and not loaded.flags.c_contiguous:
        return "a strided array loads as no C-contiguous copy"
    return None


def check(rec, i):
    name, proto = rec[i].decode(), int(rec[i + 1])
    oob, single, count = rec[i + 2] == b"1", rec[i + 3] == b"1", int(rec[i + 4])
    i += 5
    arrays = []
    for _ in range(count):
        arrays.append(build(rec[i].decode(), rec[i + 1].decode(), rec[i + 2].decode(), rec[i + 3]))
        i += 4
    data, nbuf = rec[i], int(rec[i + 1])
    buffers = rec[i + 2 : i + 2 + nbuf]
    i += 2 + nbuf
    obj = arrays[0] if single else arrays
    if oob:
        mine = []
        expected = pickle.dumps(obj, protocol=proto, buffer_callback=mine.append)
        expected_buffers = [bytes(b.raw()) for b in mine]
    else:
        expected = pickle.dumps(obj, protocol=proto)
        expected_buffers = []
    identical = data == expected and list(buffers) == expected_buffers
    loaded = pickle.loads(data, buffers=[bytearray(b) for b in buffers])
    loaded = [loaded] if single else loaded
    problems = [same_array(l, e) for l, e in zip(loaded, arrays)]
    if len(loaded) != len(arrays):
        problems.append(f"loads {len(loaded)} arrays")
    problem = next((p for p in problems if p), None)
    report = None
    if problem or not identical:
        report = {"case": name, "proto": proto, "problem": problem, "identical": identical}
        if not identical:
            report["rust"] = repr(data[:400])
            report["numpy"] = repr(expected[:400])
    return i, identical, problem is None, report


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = loaded = 0
    i = 0
    while i < len(rec):
        i, same, ok, report = check(rec, i)
        total += 1
        identical += same
        loaded += ok
        if report:
            print(json.dumps(report))
    print(json.dumps({"numpy": np.__version__.split(".")[0], "total": total,
                      "identical": identical, "loaded": loaded}))


if __name__ == "__main__":
    main()
