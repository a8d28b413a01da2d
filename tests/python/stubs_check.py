"""Checks the generated package against Rust's pickles, both ways.

argv: the directory holding the generated package, then optionally
`--load-only` (for older Pythons: no byte comparison, no output pickles).
stdin: records name, protocol, pickle written by Rust (repeated).
stdout: records: first a report, one JSON line per Rust pickle,
{"case", "proto", "equal", "identical"} or {"case", "proto", "error"}; then
name, protocol, pickle for each case at each protocol, written by CPython
from the objects of stubs_cases.py."""
import json
import pickle
import sys
import typing

sys.path.insert(0, sys.argv[1])
load_only = "--load-only" in sys.argv

import market.common  # noqa: E402
import market.models  # noqa: E402
from instances import same  # noqa: E402
from records import read_records, write_records  # noqa: E402
from stubs_cases import CASES  # noqa: E402


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
            expected = CASES[name]()
            # The generated classes' own `__eq__` must agree too.
            line["equal"] = same(loaded, expected) and loaded == expected
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
