"""The Python twins of the serde bridge's test corpus (tests/serde_cases/mod.rs):
for each case, the object CPython pickles to the bytes the Rust value should
be written as.

Names from the Rust types (struct fields, enum variants) are interned, as
the names in a Python program are; every other string is a new object, as
each Rust `String` is (`fresh`), except the strings CPython keeps one object
of ("" and one character below U+0100), which are that object either way.

Run as a script: with `check`, reads records (name, protocol, bytes) on
stdin and prints a line per mismatch, then a summary; with `write`, prints
records (name, protocol, pickle) of every case at protocols 0-5."""
import pickle
import struct
import sys

from records import read_records, write_records

I = sys.intern


def F(text):
    """A new string object equal to `text`."""
    if len(text) < 2:
        return text
    return "".join([text[:1], text[1:]])


def f32(x):
    """`x` rounded to a 32-bit float, as a Rust `f32` is."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


def line(sku, qty, unit):
    return {I("sku"): F(sku), I("qty"): qty, I("unit"): unit}


def order():
    return {
        I("id"): 7,
        I("customer"): F("Ada Lovelace"),
        I("price"): 12.5,
        I("tags"): [F("gift"), F("vip")],
        I("note"): None,
        I("status"): {I("Paid"): 1250},
        I("lines"): [line("A-1", 2, 500), line("B-22", 1, 250)],
    }


def record(i):
    """The twin of `record(i)`: one-character strings below U+0100 are the
    one object of their letter, others are new objects (`chr` makes one)."""
    name = {0: "", 1: "x", 2: "é", 3: F(f"name {i}"), 4: F("a" * 17), 5: F("b" * 300), 6: chr(0x20AC)}[i % 7]
    return {
        I("id"): {0: i, 1: -i, 2: 255 + i, 3: 70_000 * i, 4: (1 << 40) + i, 5: -(2**63) + i}[i % 6],
        I("big"): 2**63 - 1 - i if i % 13 == 5 else i,
        I("name"): name,
        I("score"): f32(i * 0.5),
        I("flag"): i % 2 == 0,
        I("letter"): chr([0x61, 0xE9, 0x20AC, 0x1F600][i % 4]),
        I("tags"): [F(f"t{k}") for k in range(i % 3)],
        I("pair"): (i - 20, F(f"p{i}")),
        I("quad"): (i % 256, 1, 2, 3),
        I("nothing"): None,
        I("counts"): {F(f"k{k}"): k for k in range(i % 3)},
        I("status"): {I("Paid"): i} if i % 7 == 3 else I("New"),
        I("line"): line(f"S-{i}", i, -i) if i % 4 != 0 else None,
        I("blob"): bytes([i % 256] * 3) if i % 11 == 4 else None,
    }


def numbers():
    return {
        I("small"): -128,
        I("byte"): 255,
        I("neg"): -(2**63),
        I("unsigned"): 2**64 - 1,
        I("wide"): -(2**127),
        I("wider"): 2**128 - 1,
        I("single"): f32(0.1),
        I("double"): -0.0,
        I("letter"): "é",
        I("yes"): True,
    }


def keys():
    return {
        I("by_id"): {-2: F("minus two"), 1: F("one"), 300: "a"},
        I("by_pair"): {(1, "a"): True, (1, "b"): False},
        I("by_flag"): {False: None, True: -1},
    }


def unsized(items, entries):
    return {I("items"): items, I("entries"): entries}


CASES = {
    "order": order,
    "orders": lambda: [order(), order()],
    "records": lambda: [record(i) for i in range(40)],
    "records_3000": lambda: [record(i) for i in range(3000)],
    "records_by_id": lambda: {i: record(i) for i in range(40)},
    "wide_u64s": lambda: [(0, 1), (2**64 - 1, 2), (3, 2**64 - 1)],
    "status_new": lambda: I("New"),
    "status_paid": lambda: {I("Paid"): 3},
    "status_shipped": lambda: {I("Shipped"): [F("DHL"), 2]},
    "status_returned": lambda: {I("Returned"): {I("reason"): F("too big"), I("refund"): 9.5}},
    "statuses": lambda: [I("New"), I("New"), {I("Paid"): 1}],
    "numbers": numbers,
    "keys": keys,
    "blob": lambda: {I("data"): b"\x00\x01\xff", I("empty"): b""},
    # One-letter field names and values made at run time equal to them: the
    # name is the one object of its letter only where the version makes it
    # so (not 3.11 and 3.12, for letters interned at start-up, as x and s).
    "letters": lambda: {I("x"): chr(120), I("s"): [chr(115), "", "", chr(233), chr(233), F("xy"), F("xy")]},
    "point": lambda: (-1, 70000),
    "marker": lambda: None,
    "unit": lambda: None,
    "money": lambda: -5,
    "some_none": lambda: (1, None, 2),
    "tuple4": lambda: (1, F("two"), 3.0, (4, 5)),
    "empty": lambda: ([], {}, None),
    "list_1000": lambda: list(range(1000)),
    "list_1001": lambda: list(range(1001)),
    "list_2000": lambda: list(range(2000)),
    "dict_1000": lambda: {i: -i for i in range(1000)},
    "dict_1001": lambda: {i: -i for i in range(1001)},
    "big_text": lambda: "é" * 40_000,
    "big_bytes_in_list": lambda: [b"\x07" * 70_000, b"\x01"],
    "flat": lambda: {I("id"): 1, F("b"): 2, F("c"): 3},
    "flat_one": lambda: {I("id"): 1},
    "unsized": lambda: unsized([1, 2], {1: 2, 3: 4}),
    "unsized_one": lambda: unsized([1], {1: 2}),
    "unsized_none": lambda: unsized([], {}),
    "unsized_1000": lambda: unsized(list(range(1000)), {i: i for i in range(1000)}),
    "unsized_2001": lambda: unsized(list(range(2001)), {i: i for i in range(2001)}),
    # serde-pickle's "compat" enums.
    "compat_status_new": lambda: (I("New"),),
    "compat_status_paid": lambda: (I("Paid"), 3),
    "compat_status_shipped": lambda: (I("Shipped"), [F("DHL"), 2]),
    "compat_status_returned": lambda: (I("Returned"), {I("reason"): F("too big"), I("refund"): 9.5}),
}


def check():
    rec = read_records(sys.stdin.buffer.read())
    failures = []
    for i in range(0, len(rec), 3):
        name, proto, ours = rec[i].decode(), rec[i + 1][0], rec[i + 2]
        label = f"{name} @ protocol {proto}"
        expected = CASES[name]()
        theirs = pickle.dumps(expected, proto)
        if ours != theirs:
            failures.append(f"{label}: not byte-identical\n  ours:   {ours[:300]!r}\n  python: {theirs[:300]!r}")
            continue
        loaded = pickle.loads(ours)
        if loaded != expected or repr(loaded) != repr(expected):
            failures.append(f"{label}: loads to {loaded!r}")
    for f in failures:
        print(f)
    print(f"{len(rec) // 3} checked, {len(failures)} failures")


def write():
    out = []
    for name, make in CASES.items():
        if name.startswith("compat_"):
            continue
        for proto in range(6):
            out += [name.encode(), bytes([proto]), pickle.dumps(make(), proto)]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    {"check": check, "write": write}[sys.argv[1]]()
