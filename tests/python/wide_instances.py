"""Checks instances of classes with many attributes, written by Rust through
`Pickler::write_instance`: each pickle must equal, byte for byte, what
pickle.dumps writes for the same object at the same protocol.

stdin: records kind ("state", "newargs" or "mixed"), field count (for
"mixed", the number of instances), protocol, pickle
(repeated). stdout: one line per pickle, "ok" or what differed."""
import collections
import pickle
import sys
import types

from records import read_records

module = types.ModuleType("wide")
sys.modules["wide"] = module


def state_class(n):
    name = f"State{n}"
    cls = type(name, (), {"__module__": "wide"})
    setattr(module, name, cls)
    return cls


def newargs_class(n):
    name = f"Tuple{n}"
    cls = collections.namedtuple(name, [f"f{i}" for i in range(n)], module="wide")
    setattr(module, name, cls)
    return cls


MIXED = [2**40, 7, True, False, 300, -5, 2**64 - 1]


def expected(kind, n):
    if kind == "mixed":
        # n instances of one class, all but the first in the steady state.
        cls = state_class(len(MIXED))
        objs = []
        for _ in range(n):
            obj = cls()
            for i, v in enumerate(MIXED):
                setattr(obj, f"f{i}", v)
            objs.append(obj)
        return objs
    if kind == "state":
        obj = state_class(n)()
        for i in range(n):
            setattr(obj, f"f{i}", i)
        return obj
    return newargs_class(n)(*range(n))


def main():
    records = read_records(sys.stdin.buffer.read())
    for i in range(0, len(records), 4):
        kind, n = records[i].decode(), int(records[i + 1])
        proto, data = int(records[i + 2]), records[i + 3]
        reference = pickle.dumps(expected(kind, n), protocol=proto)
        if reference == data:
            print("ok")
        else:
            print(f"{kind} (n = {n}) at protocol {proto}: differs")


main()
