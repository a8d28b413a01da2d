"""CPython's side of tests/stdtypes_stubs.rs: the package generated from the
Rust types (in the directory argv[1]) against what Rust writes.

stdin: records (case, python expression, protocol, pickle). The expression
builds the object with the generated classes' constructors (`stdgen` is the
generated module). Each pickle must load as that object (same types, field
by field) and equal `pickle.dumps(obj, protocol)`, byte for byte. Prints one
JSON line per record that fails, then {"total", "identical"}."""
import collections
import datetime
import decimal
import ipaddress
import json
import pickle
import sys
import typing
import uuid
from datetime import date, time, timedelta, timezone
from decimal import Decimal

sys.path.insert(0, sys.argv[1])
import stdgen  # noqa: E402  (generated into argv[1])

from records import read_records  # noqa: E402

NAMESPACE = dict(collections=collections, datetime=datetime, date=date, time=time,
                 timedelta=timedelta, timezone=timezone, Decimal=Decimal, decimal=decimal,
                 ipaddress=ipaddress, uuid=uuid, stdgen=stdgen)


def fields_match_annotations(obj):
    """Every field holds an instance of the class its annotation names."""
    hints = typing.get_type_hints(type(obj))
    for name, hint in hints.items():
        value = getattr(obj, name)
        origin = typing.get_origin(hint) or hint
        if origin is typing.Union:
            origin = tuple(typing.get_origin(a) or a for a in typing.get_args(hint))
        if not isinstance(value, origin):
            return f"{name}: {value!r} is no {hint}"
    return None


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = 0
    for i in range(0, len(rec), 4):
        name, expr, proto, data = rec[i].decode(), rec[i + 1].decode(), int(rec[i + 2]), rec[i + 3]
        total += 1
        obj = eval(expr, NAMESPACE)
        loaded = pickle.loads(data)
        problem = fields_match_annotations(loaded) or fields_match_annotations(obj)
        if type(loaded) is not type(obj) or loaded != obj:
            problem = f"loads to {loaded!r}"
        same = pickle.dumps(obj, protocol=proto) == data and pickle.dumps(loaded, protocol=proto) == data
        if problem or not same:
            print(json.dumps({"case": name, "proto": proto, "problem": problem, "identical": same}))
        identical += same and not problem
    print(json.dumps({"total": total, "identical": identical}))


if __name__ == "__main__":
    main()
