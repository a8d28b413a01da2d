"""Pickles that exercise the reader's options, as CPython writes them.

Prints records (name, bytes) for: a stream of three pickles, persistent ids,
extension codes, out-of-band buffers (with the buffers), Python 2 strings,
and the repr of what CPython loads where a test compares values."""
import copyreg
import io
import pickle
import sys

from records import write_records


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, str) and obj.startswith("db:"):
            return obj[3:]
        return None


def persistent(proto):
    f = io.BytesIO()
    Pickler(f, protocol=proto).dump(["db:row7", "plain", ("db:row9",)])
    return f.getvalue()


class ChangedByteArray:
    """Pickles as a bytearray that the pickle then changes: extended by
    `APPENDS` and assigned to by `SETITEMS`, as CPython loads it."""

    def __init__(self, initial):
        self.initial = initial

    def __reduce__(self):
        return (bytearray, (self.initial,), None, iter([100, 101]), iter([(0, 120)]))


def main():
    out = []
    stream = io.BytesIO()
    for proto, value in [(0, [1, "a"]), (2, {"b": 2.5}), (5, ("c", None))]:
        pickle.dump(value, stream, protocol=proto)
    out += [b"stream", stream.getvalue()]
    for proto in range(6):
        out += [f"persistent {proto}".encode(), persistent(proto)]
    copyreg.add_extension("collections", "OrderedDict", 7)
    copyreg.add_extension("fractions", "Fraction", 300)
    copyreg.add_extension("decimal", "Decimal", 70000)
    import collections, decimal, fractions

    ext_value = [collections.OrderedDict, fractions.Fraction, decimal.Decimal]
    for proto in range(2, 6):
        out += [f"extensions {proto}".encode(), pickle.dumps(ext_value, protocol=proto)]
    buffers = []
    data = pickle.dumps(
        [pickle.PickleBuffer(b"readonly"), pickle.PickleBuffer(bytearray(b"writable"))],
        protocol=5,
        buffer_callback=buffers.append,
    )
    out += [b"buffers", data]
    for i, b in enumerate(buffers):
        view = b.raw()
        out += [f"buffer {i} {int(view.readonly)}".encode(), bytes(view)]
    # A bytearray made from bytes (protocols 2-4 and 5) or from a bytearray
    # (protocol 5: BYTEARRAY8), then changed; with what CPython loads.
    for proto in range(2, 6):
        for initial in (b"abc", bytearray(b"abc")):
            data = pickle.dumps(ChangedByteArray(initial), protocol=proto)
            name = f"changed {type(initial).__name__} {proto}".encode()
            out += [name, data, name + b" loads", bytes(pickle.loads(data))]
    out += [b"bytearray8", pickle.dumps(bytearray(b"x" * 100), protocol=5)]
    # A Python 2 `str` with a non-ASCII byte, as protocols 0 and 1 carry it.
    out += [b"py2 string", b"S'caf\\xe9'\np0\n."]
    out += [b"py2 binstring", b"U\x04caf\xe9q\x00."]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
