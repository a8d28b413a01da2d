"""Python's side of the serde bridge's tests of `Value` fields and of
derived classes inside serde types (tests/serde_value.rs).

The classes `Item` and `Holder` are what the Rust types of the test name
(module `serde_objects`). Run as a script: `payload` prints records
(protocol, pickle) of the payload object at protocols 0-5; `check` reads
records (name, protocol, bytes) and compares each with `pickle.dumps` of
the object of that name, printing a line per mismatch and a summary."""
import collections
import dataclasses
import decimal
import pickle
import sys

from records import read_records, write_records

I = sys.intern


@dataclasses.dataclass
class Item:
    sku: str
    x: str


@dataclasses.dataclass
class Holder:
    data: dict


def F(text):
    """A new string object equal to `text`."""
    return "".join([text[:1], text[1:]]) if len(text) > 1 else text


def payload():
    """Sharing, a cycle, sets, a class's instance and a global."""
    shared = [F("twice")]
    cycle = [1]
    cycle.append(cycle)
    return [
        shared,
        shared,
        {3, 4},
        frozenset([5]),
        bytearray(b"\x00\x01"),
        decimal.Decimal("1.50"),
        collections.OrderedDict([(F("b"), 1)]),
        cycle,
        (None, True, -(2**70), 1.25, b"\xff"),
    ]


def envelope():
    return {I("kind"): F("event"), I("payload"): payload()}


def basket():
    items = [Item(F("A1"), chr(120)), Item(F("B2"), F("xy"))]
    return {I("owner"): F("Ada"), I("items"): items, I("first"): Item(F("C3"), chr(120))}


def holder():
    return Holder({F("ab"): [1, 2], F("cd"): []})


OBJECTS = {"envelope": envelope, "basket": basket, "holder": holder}


def main():
    if sys.argv[1] == "payload":
        out = []
        for proto in range(6):
            out += [bytes([proto]), pickle.dumps(payload(), proto)]
        sys.stdout.buffer.write(write_records(out))
        return
    rec = read_records(sys.stdin.buffer.read())
    failures = []
    for i in range(0, len(rec), 3):
        name, proto, ours = rec[i].decode(), rec[i + 1][0], rec[i + 2]
        theirs = pickle.dumps(OBJECTS[name](), proto)
        if ours != theirs:
            failures.append(f"{name} @ protocol {proto}: not byte-identical\n  ours:   {ours!r}\n  python: {theirs!r}")
            continue
        loaded = pickle.loads(ours)
        if name != "envelope" and loaded != OBJECTS[name]():
            failures.append(f"{name} @ protocol {proto}: loads to {loaded!r}")
    for f in failures:
        print(f)
    print(f"{len(rec) // 3} checked, {len(failures)} failures")


if __name__ == "__main__":
    # Pickles name the classes by their module: this one, imported.
    import serde_objects

    serde_objects.main()
