"""CPython's side of the standard-type tests (tests/stdtypes_*.rs).

`stdtypes.py check`: stdin has records (name, python expression, protocol,
pickle) written by Rust. For each, the expression is evaluated and the
pickle must equal `pickle.dumps(obj, protocol)` byte for byte and load to
an object equal to `obj` with the same types everywhere, the same tzinfo,
the same Decimal text and the same float bits. Prints one JSON line per
record, then a summary line.

`stdtypes.py dump`: stdin has records (name, python expression); prints
records (name, protocol, pickle, outcome) with `pickle.dumps(obj, protocol)`
for protocols 0 to 5; outcome is `ok` when CPython's own `pickle.loads`
takes the pickle back, else the exception it raised (for the Raw states of
stdmodels), so the Rust side can check it refuses those too."""
import collections
import datetime
import decimal
import ipaddress
import json
import math
import pickle
import struct
import sys
import uuid
from datetime import date, time, timedelta, timezone
from decimal import Decimal

import stdmodels
from records import read_records, write_records

NAMESPACE = {
    "collections": collections,
    "datetime": datetime,
    "date": date,
    "time": time,
    "timedelta": timedelta,
    "timezone": timezone,
    "decimal": decimal,
    "Decimal": Decimal,
    "ipaddress": ipaddress,
    "uuid": uuid,
    "stdmodels": stdmodels,
    "OrderedDict": collections.OrderedDict,
    "deque": collections.deque,
    # A float by its IEEE 754 bits, as the Rust side gives them.
    "f64": lambda bits: struct.unpack("<d", struct.pack("<Q", bits))[0],
}


def same(a, b):
    """Equality that also requires the same types everywhere, the same
    tzinfo (aware datetimes compare equal across offsets), the same text for
    Decimal (`1.0 == 1.00`) and the same bits for floats."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b) or (a != a and b != b)
    if isinstance(a, complex):
        return same(a.real, b.real) and same(a.imag, b.imag)
    if isinstance(a, Decimal):
        return str(a) == str(b)
    if isinstance(a, (datetime.datetime, datetime.time)):
        return a == b and same(a.tzinfo, b.tzinfo) and a.fold == b.fold
    if isinstance(a, datetime.timezone):
        return a == b and a.tzname(None) == b.tzname(None)
    if isinstance(a, (list, tuple, collections.deque)):
        if isinstance(a, collections.deque) and a.maxlen != b.maxlen:
            return False
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__"):
        return all(same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    return a == b


def check():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = equal = 0
    for i in range(0, len(rec), 4):
        name, expr, proto, data = rec[i].decode(), rec[i + 1].decode(), int(rec[i + 2]), rec[i + 3]
        total += 1
        obj = eval(expr, NAMESPACE)
        reference = pickle.dumps(obj, protocol=proto)
        try:
            loaded = pickle.loads(data)
            ok = same(loaded, obj)
        except Exception as e:  # reported, not raised: the Rust test shows it
            loaded, ok = repr(e), False
        identical += reference == data
        equal += ok
        if reference != data or not ok:
            print(json.dumps({"case": name, "proto": proto, "expr": expr[:300],
                              "identical": reference == data, "equal": ok,
                              "rust": repr(data[:300]), "python": repr(reference[:300]),
                              "loaded": repr(loaded)[:300]}))
    print(json.dumps({"total": total, "identical": identical, "equal": equal}))


def dump():
    rec = read_records(sys.stdin.buffer.read())
    out = []
    for i in range(0, len(rec), 2):
        name, expr = rec[i], rec[i + 1].decode()
        obj = eval(expr, NAMESPACE)
        for proto in range(6):
            data = pickle.dumps(obj, protocol=proto)
            try:
                pickle.loads(data)
                outcome = b"ok"
            except Exception as e:
                outcome = repr(e).encode()
            out += [name, str(proto).encode(), data, outcome]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    {"check": check, "dump": dump}[sys.argv[1]]()
