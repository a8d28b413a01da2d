"""Writes the objects that Rust's derived FromPickle must read, at
protocols 0 to 5, with pickle.dumps.

`python3 derive_read.py good`: records name, protocol, pickle for every
case of shop.cases (CASES and READ_CASES).
`python3 derive_read.py bad`: records name, protocol, pickle, offset,
message part for every case of shop.bad."""
import pickle
import sys

from records import write_records
from shop import bad, cases


def main():
    out = []
    if sys.argv[1] == "good":
        for name, build in {**cases.CASES, **cases.READ_CASES}.items():
            for proto in range(6):
                try:
                    data = pickle.dumps(build(), protocol=proto)
                except TypeError:
                    continue  # __slots__ classes at protocols 0 and 1: CPython refuses
                out += [name.encode(), str(proto).encode(), data]
    else:
        for name, (build, locate, text) in bad.CASES.items():
            for proto in range(6):
                data = pickle.dumps(build(), protocol=proto)
                out += [name.encode(), str(proto).encode(), data, str(locate(data)).encode(), text.encode()]
    sys.stdout.buffer.write(write_records(out))


main()
