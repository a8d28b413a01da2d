"""Containers that CPython writes as calls, some with their contents in the
call's arguments (Python 2's `OrderedDict([[k, v], ...])`, `Counter({...})`,
`deque([...])`, `copy_reg._reconstructor(cls, dict, {...})`) and some with
them set or appended after the call. Runs on Python 2.7 and 3.

`container_calls.py dump`: records (name, kind, protocol, pickle) of every
case at every protocol this Python has, where kind says how the Rust test
reads it (`ordereddict`, `dictlike`, `deque`, `set`, `timedelta`,
`ipv4`), prefixed with `refused ` for the shapes a typed read must refuse
(they hold what the Rust type cannot: see SHAPES).

`container_calls.py plain`: stdin has those records (from any Python);
prints records (name, protocol, plain) where plain is `pickle.dumps(x, 2)`
of what this Python loads from the pickle, as plain data: a dict as the
list of its [key, value] pairs in order, a deque as (items, maxlen), a set
as its sorted items; for a refused shape, what CPython does with it, as text."""
import collections
import pickle
import sys

from ctor_models import Tally
from records import read_records, write_records

CASES = [
    ("ordereddict empty", "ordereddict", lambda: collections.OrderedDict()),
    ("ordereddict", "ordereddict", lambda: collections.OrderedDict([("k", 1), ("j", 2)])),
    ("ordereddict 1500", "ordereddict",
     lambda: collections.OrderedDict(("k%d" % i, i) for i in range(1500))),
    ("counter", "dictlike", lambda: collections.Counter({"a": 2, "b": 1})),
    ("counter empty", "dictlike", lambda: collections.Counter()),
    ("defaultdict", "dictlike", lambda: collections.defaultdict(int, [("x", 1), ("y", 2)])),
    ("dict subclass", "dictlike", lambda: Tally([("x", 1), ("y", 2)])),
    ("dict subclass empty", "dictlike", lambda: Tally()),
    ("deque", "deque", lambda: collections.deque([1, 2])),
    ("deque maxlen", "deque", lambda: collections.deque([1, 2, 3], 5)),
    ("deque empty", "deque", lambda: collections.deque()),
    ("set", "set", lambda: set([1, 2])),
    ("set empty", "set", lambda: set()),
    ("frozenset", "set", lambda: frozenset([1, 2])),
    ("frozenset empty", "set", lambda: frozenset()),
]



class Reduce(object):
    """Pickles as `__reduce__` returns `parts`: shapes CPython writes for
    objects whose `__reduce__` is unusual."""

    def __init__(self, *parts):
        self.parts = parts

    def __reduce__(self):
        return self.parts


def with_label(obj):
    obj.label = "x"
    return obj


def timedelta():
    import datetime
    return datetime.timedelta


def ipv4():
    import ipaddress
    return ipaddress.IPv4Address


# Entries and items both in the call and after it, and shapes that a typed
# read must refuse rather than drop what it cannot hold (`refused`):
# attributes of a dict subclass, `Counter(iterable)` (which counts), items
# appended to or a state given to objects built by their arguments alone.
SHAPES = [
    ("ordereddict args and setitems", "ordereddict",
     lambda: Reduce(collections.OrderedDict, ([("a", 1)],), None, None, iter([("b", 2)]))),
    ("counter dict and setitems", "dictlike",
     lambda: Reduce(collections.Counter, ({"a": 1},), None, None, iter([("b", 2)]))),
    ("deque args and appends", "deque",
     lambda: Reduce(collections.deque, ([1],), None, iter([2]))),
    ("dict subclass with attributes", "refused dictlike", lambda: with_label(Tally([("x", 1)]))),
    ("ordereddict with attributes", "refused ordereddict",
     lambda: with_label(collections.OrderedDict([("x", 1)]))),
    ("counter of an iterable", "refused dictlike",
     lambda: Reduce(collections.Counter, (["a", "a"],))),
    ("timedelta with appends", "refused timedelta", lambda: Reduce(timedelta(), (1,), None, iter([1]))),
    ("ipv4 with a state", "refused ipv4", lambda: Reduce(ipv4(), (1,), {"x": 1})),
]


def out(data):
    getattr(sys.stdout, "buffer", sys.stdout).write(data)


def dump():
    records = []
    cases = CASES + SHAPES if sys.version_info[0] >= 3 else CASES
    for name, kind, build in cases:
        for proto in range(pickle.HIGHEST_PROTOCOL + 1):
            data = pickle.dumps(build(), proto)
            records += [name.encode(), kind.encode(), str(proto).encode(), data]
    out(write_records(records))


def plain(obj):
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return [[k, v] for k, v in obj.items()]
    if isinstance(obj, collections.deque):
        return (list(obj), obj.maxlen)
    if isinstance(obj, (set, frozenset)):
        return sorted(obj)
    raise TypeError("no plain form for %r" % (obj,))


def plain_forms():
    rec = read_records(sys.stdin.buffer.read())
    records = []
    for i in range(0, len(rec), 4):
        name, kind, proto, data = rec[i], rec[i + 1], rec[i + 2], rec[i + 3]
        if kind.startswith(b"refused"):
            try:
                loaded = pickle.loads(data)
            except Exception as e:
                loaded = "CPython fails: %s" % type(e).__name__
            what = "CPython loads %r" % (loaded,) if not isinstance(loaded, str) else loaded
            records += [name, proto, pickle.dumps(what, 2)]
            continue
        records += [name, proto, pickle.dumps(plain(pickle.loads(data)), 2)]
    out(write_records(records))


if __name__ == "__main__":
    {"dump": dump, "plain": plain_forms}[sys.argv[1]]()
