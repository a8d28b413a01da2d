"""numpy's pickles of arrays, scalars and dtypes, for tests/numpy_read.rs,
with what each holds as numpy itself sees it.

Runs on every Python (2.7 and 3.6 to 3.13) and numpy (1.16 on) that
tools/make_numpy_fixtures.sh installs, so it is written for Python 2.7 too.

Prints records (the format of records.py), per case:
- b"array", name, dtype (`dtype.str`), shape (`2,3`), b"1" if the data is
  in Fortran order, the values (C order, little-endian), the pickle, the
  number of out-of-band buffers, and the buffers;
- b"scalar", name, dtype, the value (`repr` of the Python number; a
  complex number as `real imag`), the pickle;
- b"dtype", name, `dtype.str`, the pickle;
- b"refused", name, the pickle: an array that a typed read refuses
  (`dtype=object`, structured, datetime).

`--full` gives every dtype in every shape, layout and byte order at every
protocol (the live test); without it, a smaller set (the fixtures).
"""
import pickle
import struct
import sys

import numpy as np

DTYPES = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f4", "f8", "c8", "c16"]
SHAPES = [(), (0,), (5,), (0, 3), (2, 3), (2, 3, 4)]
PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


def b(text):
    return text.encode("ascii") if not isinstance(text, bytes) else text


def records(items):
    return b"".join(struct.pack("<I", len(r)) + r for r in items)


def values(dtype, shape, seed, full):
    """An array of `dtype` and `shape`: random bits (NaNs with payloads
    included) or random bools for the live test; small numbers, negative
    ones wrapped, for the fixtures (which stay small in git)."""
    n = int(np.prod(shape)) if shape else 1
    dt = np.dtype(dtype)
    if not full:
        numbers = np.arange(n, dtype=np.int64) * 7 - 3 * seed
        flat = (numbers % 2 == 0) if dt.kind == "b" else numbers.astype(dt)
        return flat.reshape(shape)
    rng = np.random.RandomState(seed)
    if dt.kind == "b":
        flat = rng.randint(0, 2, n).astype(bool)
    else:
        flat = np.frombuffer(rng.bytes(n * dt.itemsize), dtype=dt.newbyteorder("<")).astype(dt)
    return flat.reshape(shape)


def layouts(a):
    """The array in C order, Fortran order (2-d and more), and as a strided view."""
    out = [("C", a)]
    if a.ndim >= 2:
        out.append(("F", np.asfortranarray(a)))
    return out


def strided(dtype, seed, full):
    base = values(dtype, (3, 4), seed, full)
    return [("S", base[::-1, ::2])]


def array_records(name, a, protocols):
    expected = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    fortran = not a.flags.c_contiguous and a.flags.f_contiguous
    shape = ",".join(str(n) for n in a.shape)
    out = []
    for proto in protocols:
        ways = [False, True] if proto >= 5 else [False]
        for oob in ways:
            buffers = []
            if oob:
                data = pickle.dumps(a, protocol=proto, buffer_callback=buffers.append)
                buffers = [bytes(buf.raw()) for buf in buffers]
            else:
                data = pickle.dumps(a, protocol=proto)
            label = "%s p%d%s" % (name, proto, " out of band" if oob else "")
            out += [b"array", b(label), b(a.dtype.str), b(shape), b"1" if fortran else b"0",
                    expected, data, b(str(len(buffers)))] + buffers
    return out


def arrays(full):
    out = []
    for i, dtype in enumerate(DTYPES):
        dt = np.dtype(dtype)
        orders = ["<", ">"] if dt.itemsize > 1 and dt.kind != "b" else ["|"]
        core = dtype in ("?", "i4", "f8", "c8")
        if full:
            shapes = SHAPES
        elif core:
            shapes = [(), (0, 3), (2, 3), (2, 2, 2)]
        else:
            shapes = [(2, 3)]
        for shape in shapes:
            a = values(dtype, shape, i, full)
            cases = layouts(a) + (strided(dtype, i, full) if shape == (2, 3) else [])
            for layout, native in cases:
                for order in orders:
                    arr = native.astype(native.dtype.newbyteorder(">")) if order == ">" else native
                    name = "%s%s %s %s" % (order, dtype, shape, layout)
                    if full or (core and shape == (2, 3) and layout == "C" and order != ">"):
                        protocols = PROTOCOLS
                    else:
                        protocols = some_protocols(False)
                    out += array_records(name, arr, protocols)
    return out


def some_protocols(full):
    """Every protocol for the live test; the first binary one and the
    highest for the fixtures."""
    return PROTOCOLS if full else sorted(set([min(2, PROTOCOLS[-1]), PROTOCOLS[-1]]))


def scalars(full):
    cases = [
        np.float64(1.5), np.float32(-0.1), np.float16(0.5), np.float64("-inf"),
        np.int8(-7), np.int16(-300), np.int32(123456), np.int64(-2 ** 63),
        np.uint8(255), np.uint16(65535), np.uint32(2 ** 32 - 1), np.uint64(2 ** 64 - 1),
        np.bool_(True), np.bool_(False),
        np.complex64(1 + 2j), np.complex128(-0.5 + 1e300j),
        np.mean([1.0, 2.0]),
    ]
    out = []
    for x in cases:
        if isinstance(x, np.complexfloating):
            value = "%r %r" % (float(x.real), float(x.imag))
        elif isinstance(x, np.bool_):
            value = repr(bool(x))
        elif isinstance(x, np.integer):
            value = str(int(x))
        else:
            value = repr(float(x))
        for proto in some_protocols(full):
            label = "%s(%s) p%d" % (type(x).__name__, value, proto)
            out += [b"scalar", b(label), b(x.dtype.str), b(value), pickle.dumps(x, protocol=proto)]
    return out


def dtypes(full):
    out = []
    for spec in ["<f8", ">f8", "?", "i1", "<u2", ">c16", "O", "S5", "<U3", ">U3", "V4", "<f2", "<c8"]:
        dt = np.dtype(spec)
        for proto in some_protocols(full):
            out += [b"dtype", b("dtype(%r) p%d" % (spec, proto)), b(dt.str), pickle.dumps(dt, protocol=proto)]
    return out


def refused(full):
    objects = np.empty(3, dtype=object)
    objects[:] = [1, "a", None]
    cases = [
        ("object", objects),
        ("structured", np.zeros(2, dtype=[("x", "<i4"), ("y", "<f8")])),
        ("datetime", np.array([0, 1], dtype="M8[s]")),
    ]
    out = []
    for name, a in cases:
        for proto in some_protocols(full):
            out += [b"refused", b("%s p%d" % (name, proto)), pickle.dumps(a, protocol=proto)]
    return out


def main():
    full = "--full" in sys.argv
    out = arrays(full) + scalars(full) + dtypes(full) + refused(full)
    getattr(sys.stdout, "buffer", sys.stdout).write(records(out))


if __name__ == "__main__":
    main()
