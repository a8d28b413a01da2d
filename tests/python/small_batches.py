"""Pickles written with batches smaller than CPython's 1000 items, as
another writer might: the pure-Python pickler with another `_BATCHSIZE`.
With batches of 2, three items are `MARK a b APPENDS c APPEND`, four
are `MARK a b APPENDS MARK c d APPENDS`; dicts likewise, with `SETITEMS`
and `SETITEM`.

Writes records: name, batch size, pickle (protocol 4)."""
import io
import pickle
import sys

from records import write_records
from shop.cases import order, s
from shop.models import Status


def dumps(obj, batch):
    out = io.BytesIO()
    pickler = pickle._Pickler(out, protocol=4)
    pickler._BATCHSIZE = batch
    pickler.dump(obj)
    return out.getvalue()


def orders(n):
    return [order(k, Status.NEW, items=3, note=k % 2 == 0) for k in range(n)]


CASES = {
    "strings_6": lambda: [s(f"item {i}") for i in range(6)],
    "strings_7": lambda: [s(f"item {i}") for i in range(7)],
    "lists": lambda: [[s(f"a{i}"), s(f"b{i}"), s(f"c{i}")] for i in range(5)],
    "orders": lambda: orders(9),
    "dict_6": lambda: {s(f"k{i}"): i for i in range(6)},
    "dict_7": lambda: {s(f"k{i}"): i for i in range(7)},
    "dict_of_dicts": lambda: {
        s(f"g{i}"): {s(f"s{j}"): [s(f"a{i}"), s(f"b{j}")] for j in range(3)} for i in range(5)
    },
}

out = []
for name, build in CASES.items():
    for batch in (2, 3, 500):
        out += [name.encode(), str(batch).encode(), dumps(build(), batch)]
sys.stdout.buffer.write(write_records(out))
