"""Checks the generated package against Rust's pickles, both ways.

argv: the directory holding the generated package, then optionally
`--load-only` (for older Pythons: no byte comparison, no output pickles).
stdin: records name, protocol, pickle written by Rust (repeated).
stdout: records: first a report, one JSON line per Rust pickle,
{"case", "proto", "equal", "identical"} or {"case", "proto", "error"}; then
name, protocol, pickle for each case at each protocol, written by CPython
from the objects of stubs_cases.py."""
import enum
import json
import pickle
import sys
import typing

sys.path.insert(0, sys.argv[1])
load_only = "--load-only" in sys.argv

import market.common  # noqa: E402
import market.models  # noqa: E402
from records import read_records, write_records  # noqa: E402
from stubs_cases import CASES  # noqa: E402


def state(obj):
    """An instance's attributes: its dict and its slots."""
    out = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                out[slot] = getattr(obj, slot)
    return out


def same(a, b):
    """Deep equality that also requires the same classes everywhere."""
    if type(a) is not type(b):
        return False
    if isinstance(a, enum.Enum):
        return a is b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, set):
        return a == b
    if isinstance(a, (int, float, str, bytes, bytearray, type(None))):
        return a == b
    return same(state(a), state(b)) and a == b


def main():
    # Every annotation evaluates at run time, across the two modules.
    for module in (market.common, market.models):
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                typing.get_type_hints(value)
    records = read_records(sys.stdin.buffer.read())
    report, out = [], []
    for i in range(0, len(records), 3):
        name, proto, data = records[i].decode(), int(records[i + 1]), records[i + 2]
        line = {"case": name, "proto": proto}
        try:
            loaded = pickle.loads(data)
            line["equal"] = same(loaded, CASES[name]())
            if not load_only:
                line["identical"] = pickle.dumps(loaded, protocol=proto) == data
        except Exception as e:  # reported, not raised: the Rust test shows it
            line["error"] = repr(e)
        report.append(json.dumps(line))
    if not load_only:
        for name, make in CASES.items():
            for proto in range(6):
                out += [name.encode(), str(proto).encode(), pickle.dumps(make(), protocol=proto)]
    text = "\n".join(report).encode()
    sys.stdout.buffer.write(write_records([text] + out))


main()
