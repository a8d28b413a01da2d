"""Builds the fuzzers' seed corpus from CPython 3.11.

Seeds: every value kind of the round-trip corpus (tests/python/corpus.py) at
protocols 0-5, `shop.models.Order` instances (what the typed target reads)
at protocols 0-5, every bytes literal in CPython's own pickle tests
(pickletester.py, test_pickle.py, test_pickletools.py), and a few small
hostile shapes. Each seed goes, named by its SHA-1, into
fuzz/corpus/<target>/ for every target.

Usage: python3 fuzz/make_corpus.py [TARGET...]   (default: all targets)
"""
import collections
import datetime
import decimal
import enum
import hashlib
import os
import pickle
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))

import agreement_inputs  # noqa: E402
import corpus  # noqa: E402

TARGETS = ["decode_value", "decode_typed", "roundtrip", "dis", "scan"]
# Bigger seeds slow every execution and add little coverage.
MAX_SEED = 16 * 1024


def shop_module():
    """A `shop.models` module with the classes the typed target mirrors."""
    shop = types.ModuleType("shop")
    models = types.ModuleType("shop.models")
    shop.models = models
    sys.modules["shop"] = shop
    sys.modules["shop.models"] = models

    class Status(enum.Enum):
        NEW = 1
        PAID = "paid"

    class Card:
        def __init__(self, last4):
            self.last4 = last4

    class Cash:
        pass

    Voucher = collections.namedtuple("Voucher", ["f0"])

    class Order:
        def __init__(self, id, customer, price, tags, note=None, status=None, payment=None, lines=()):
            self.id = id
            self.customer = customer
            self.price = price
            self.tags = tags
            self.note = note
            self.status = status
            self.payment = payment
            self.lines = list(lines)

    for cls in (Status, Card, Cash, Voucher, Order):
        cls.__module__ = "shop.models"
        cls.__qualname__ = cls.__name__
        setattr(models, cls.__name__, cls)
    return models


def typed_values():
    m = shop_module()
    one = m.Order(1, "ann", 9.5, ["a", "b"], None, m.Status.NEW, m.Card("1234"), [("x", 2)])
    two = m.Order(-(2**40), "bé", -0.0, [], "gift", m.Status.PAID, m.Voucher("V1"))
    three = m.Order(2, "d", 2.5, ["z"], payment=m.Cash())
    bare = m.Order(3, "c", 1.0, ["t"])
    del bare.note, bare.status, bare.payment, bare.lines
    return {"order": one, "order paid": two, "order cash": three, "order bare": bare,
            "orders": [one, two, three, one]}


def hostile():
    claim = (1 << 62).to_bytes(8, "little")
    yield b"\x80\x02" + b"]" * 50 + b"a" * 49 + b"."
    yield b"(" * 50 + b"N."
    yield b"\x80\x04\x8e" + claim + b"abc."
    yield b"\x80\x04\x95" + claim + b"N."
    yield b"Nr\xff\xff\xff\xffj\xff\xff\xff\xff."
    yield b"N" + b"2" * 100 + b"."
    yield b"\x80\x02]q\x00(h\x00h\x00lq\x010h\x01."
    yield b"cos\nsystem\n(S'true'\ntR."
    yield b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93h\x00h\x01\x93."
    yield b"\x80\x02\x82\x01\x85."
    yield b"\x80\x02X\x01\x00\x00\x00x\x85Q."
    yield b"\x80\x05\x97\x98."


def seeds():
    for name, value in {**corpus.values(), **typed_values()}.items():
        for proto in range(6):
            try:
                yield pickle.dumps(value, protocol=proto)
            except (TypeError, pickle.PicklingError):
                continue
    for _, data in agreement_inputs.literals():
        yield data
    yield from hostile()


def main():
    targets = sys.argv[1:] or TARGETS
    unique = {}
    for data in seeds():
        if len(data) <= MAX_SEED:
            unique[hashlib.sha1(data).hexdigest()] = data
    for target in targets:
        folder = os.path.join(HERE, "corpus", target)
        os.makedirs(folder, exist_ok=True)
        for digest, data in unique.items():
            with open(os.path.join(folder, digest), "wb") as f:
                f.write(data)
    print(f"{len(unique)} seeds in fuzz/corpus/{{{','.join(targets)}}}")


if __name__ == "__main__":
    main()
