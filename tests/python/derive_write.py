"""Checks pickles written by Rust's derived ToPickle: each must load as the
case's object (same classes, same values), and equal, byte for byte, what
pickle.dumps writes for that object at the same protocol.

stdin: records name, protocol, pickle (repeated). stdout: one JSON line per
pickle: {"case", "proto", "equal", "identical"} (identical is null where
CPython cannot write the object at that protocol) or {"case", "error"}."""
import json
import pickle
import sys

from instances import same
from records import read_records
from shop.cases import CASES


def main():
    records = read_records(sys.stdin.buffer.read())
    for i in range(0, len(records), 3):
        name, proto, data = records[i].decode(), int(records[i + 1]), records[i + 2]
        expected = CASES[name]()
        try:
            loaded = pickle.loads(data)
        except Exception as e:  # reported, not raised: the Rust test shows it
            print(json.dumps({"case": name, "proto": proto, "error": repr(e)}))
            continue
        try:
            reference = pickle.dumps(expected, protocol=proto)
            identical = reference == data
        except TypeError:
            # __slots__ classes at protocols 0 and 1: CPython refuses them.
            identical = None
        print(json.dumps({"case": name, "proto": proto, "equal": same(loaded, expected),
                          "identical": identical}))


main()
