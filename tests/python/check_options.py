"""Checks pickles that Rust wrote with reader/writer options: records
(name, bytes[, extra]) on stdin; prints one line per failure and a summary."""
import collections
import copyreg
import decimal
import fractions
import io
import json
import pickle
import sys

from records import read_records


class Unpickler(pickle.Unpickler):
    def persistent_load(self, pid):
        return ("loaded", pid)


def main():
    rec = read_records(sys.stdin.buffer.read())
    failures = []
    copyreg.add_extension("collections", "OrderedDict", 7)
    copyreg.add_extension("fractions", "Fraction", 300)
    copyreg.add_extension("decimal", "Decimal", 70000)
    i = 0
    while i < len(rec):
        name = rec[i].decode()
        data = rec[i + 1]
        i += 2
        if name.startswith("persistent"):
            proto = int(name.split()[1])
            got = Unpickler(io.BytesIO(data)).load()
            want = [("loaded", "row7"), "plain", (("loaded", "row9"),)]
            if got != want:
                failures.append(f"{name}: loads to {got!r}")
        elif name.startswith("extensions"):
            proto = int(name.split()[1])
            want = pickle.dumps([collections.OrderedDict, fractions.Fraction, decimal.Decimal], protocol=proto)
            if data != want:
                failures.append(f"{name}: bytes differ: {data!r} != {want!r}")
        elif name == "buffers":
            count = int(rec[i].decode())
            buffers = [rec[i + 1 + k] for k in range(count)]
            i += 1 + count
            expected_buffers = []
            want = pickle.dumps(
                [pickle.PickleBuffer(b"readonly"), pickle.PickleBuffer(bytearray(b"writable"))],
                protocol=5,
                buffer_callback=expected_buffers.append,
            )
            if data != want:
                failures.append(f"buffers: bytes differ: {data!r} != {want!r}")
            if buffers != [bytes(b.raw()) for b in expected_buffers]:
                failures.append(f"buffers: out-of-band data differs: {buffers!r}")
        else:
            failures.append(f"unknown case {name}")
    for f in failures:
        print(f)
    print(json.dumps({"failures": len(failures)}))


if __name__ == "__main__":
    main()
