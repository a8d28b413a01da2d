"""The round-trip corpus: about 80 kinds of values, each pickled by CPython
at protocols 0-5. Writes records (name, protocol, pickle) to stdout."""
import collections
import datetime
import decimal
import fractions
import sys
import uuid

import corpus_classes as cc
from records import write_records


def values():
    v = {}
    for n in [0, 1, -1, 255, 256, 65535, 65536, 2**31 - 1, -(2**31), 2**31, -(2**31) - 1,
              2**63 - 1, -(2**63), 2**63, 2**64, -(2**64), 2**1000, -(2**1000), 2**2400]:
        v[f"int {n if abs(n) < 2**70 else 'big'} {n.bit_length()} {n < 0}"] = n
    v["bools"] = [True, False]
    v["none"] = None
    for name, x in [("zero", 0.0), ("negzero", -0.0), ("1.5", 1.5), ("tiny", -2.25e-300),
                    ("huge", 1e300), ("inf", float("inf")), ("-inf", float("-inf")),
                    ("nan", float("nan")), ("denormal", 5e-324), ("third", 1 / 3), ("1e16", 1e16)]:
        v[f"float {name}"] = x
    for name, s in [("empty", ""), ("ascii", "a"), ("latin", "é"), ("euro", "€"), ("emoji", "😀"),
                    ("surrogate", "\ud800"), ("surrogates", "\udc00x\ud83d"),
                    ("escapes", "a\\b\n\r\x00\x1a\t'\""), ("255", "s" * 255), ("256", "s" * 256),
                    ("64k-1", "m" * 65535), ("64k", "m" * 65536), ("70k", "é" * 35000)]:
        v[f"str {name}"] = s
    for name, b in [("empty", b""), ("binary", bytes(range(256))), ("255", b"b" * 255),
                    ("256", b"b" * 256), ("64k", b"k" * 65536), ("70k", b"\x80" * 70000)]:
        v[f"bytes {name}"] = b
    v["bytearray empty"] = bytearray()
    v["bytearray small"] = bytearray(b"\x00abc\xff")
    v["bytearray 70k"] = bytearray(b"x" * 70000)
    v["tuples"] = [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4), ((1,), ((2,),))]
    for n in [0, 1, 2, 999, 1000, 1001, 2001]:
        v[f"list {n}"] = list(range(n))
    v["dict empty"] = {}
    v["dict one"] = {"k": "v"}
    v["dict 1000"] = {str(i): i for i in range(1000)}
    v["dict 1001"] = {i: str(i) for i in range(1001)}
    v["dict odd keys"] = {(1, 2): "t", 3: "i", None: "n", frozenset([1]): "f", 2.5: "x", b"b": "y"}
    v["set"] = {1, 2, 3}
    v["set empty"] = set()
    v["set 1001"] = set(range(1001))
    v["frozenset"] = frozenset(["a", "b"])
    v["frozenset nested"] = frozenset([frozenset([1, 2]), (3, 4)])
    shared = [1, 2]
    v["shared list"] = [shared, shared, {"again": shared}]
    text = "".join(["shared", " text"])
    v["shared str"] = [text, text]
    d = {"x": 1}
    v["shared dict"] = (d, d)
    cyc = [1]
    cyc.append(cyc)
    v["recursive list"] = cyc
    rd = {}
    rd["self"] = rd
    v["recursive dict"] = rd
    rt = ([],)
    rt[0].append(rt)
    v["recursive tuple"] = rt
    v["deep"] = [[[[[[[[[["deep"]]]]]]]]]]
    v["plain"] = cc.Plain(1, "two")
    v["dataclass"] = cc.Data(7, "seven", ["a", "b"])
    v["frozen dataclass"] = cc.Frozen(1, 2.5)
    v["slots"] = cc.Slotted(1, [2])
    v["slots and dict"] = cc.SlottedWithDict(1, "extra")
    v["namedtuple"] = cc.Pair(1, "x")
    v["enum"] = [cc.Color.RED, cc.Color.GREEN, cc.Color.RED]
    v["str enum"] = [cc.Mood.HAPPY, cc.Mood.SAD]
    v["intenum"] = cc.Level.HIGH
    v["reduce class"] = [cc.Money(5, "EUR"), cc.Money(6, "USD")]
    v["custom state"] = cc.Custom(3)
    v["nested class"] = cc.Outer.Inner(4)
    v["list subclass"] = cc.MyList([1, 2, 3])
    v["dict subclass"] = cc.MyDict(a=1)
    me = cc.Plain(None, None)
    me.a = me
    v["self referencing instance"] = me
    many = [cc.Data(i, f"n{i}", [str(i)]) for i in range(3000)]
    v["3000 dataclasses"] = many
    v["datetime"] = datetime.datetime(2024, 2, 29, 13, 45, 30, 123456)
    v["aware datetime"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    v["offset datetime"] = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=-5)))
    v["date"] = datetime.date(1999, 12, 31)
    v["time"] = datetime.time(23, 59, 59, 999999)
    v["timedelta"] = datetime.timedelta(days=-1, seconds=5)
    v["decimal"] = decimal.Decimal("-12.3400")
    v["uuid"] = uuid.UUID("12345678-1234-5678-1234-567812345678")
    v["complex"] = 1.5 - 2j
    v["fraction"] = fractions.Fraction(3, 7)
    v["ordereddict"] = collections.OrderedDict([("b", 1), ("a", 2)])
    v["defaultdict"] = collections.defaultdict(list, {"k": [1]})
    v["deque"] = collections.deque([1, 2, 3], maxlen=5)
    v["counter"] = collections.Counter("abracadabra")
    v["range"] = range(1, 10, 2)
    v["slice"] = slice(1, None, 2)
    v["builtin function"] = len
    # `collections` is one string object for `deque` (from 3.12) and another
    # for the other classes of the module.
    v["collections classes"] = [collections.OrderedDict(), collections.deque(), collections.Counter()]
    v["type"] = int
    return v


def main():
    records = []
    for name, value in values().items():
        for proto in range(6):
            try:
                data = pickle.dumps(value, protocol=proto)
            except TypeError:
                # CPython cannot pickle `__slots__` classes at protocols 0-1.
                continue
            records += [name.encode(), bytes([proto]), data]
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    import pickle

    main()
