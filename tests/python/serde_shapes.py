"""Pickles of Python data in shapes the serde bridge reads leniently or
refuses (tests/serde_read.rs): prints records (name, protocol, pickle) for
every shape at protocols 0-5."""
import collections
import dataclasses
import pickle
import sys

from records import write_records


@dataclasses.dataclass
class Order:
    id: int


SHAPES = {
    "tuple_as_vec": (1, 2, 3),
    "set_as_vec": {7},
    "frozenset_as_vec": frozenset([8]),
    "ordered_dict": collections.OrderedDict([("b", 1), ("a", 2)]),
    "compat_unit": ("New",),
    "compat_newtype": ("Paid", 3),
    "compat_tuple_list": ("Shipped", ["DHL", 2]),
    "compat_tuple_tuple": ("Shipped", ("DHL", 2)),
    "compat_struct": ("Returned", {"reason": "late", "refund": None}),
    "dict_tuple_variant": {"Shipped": ("DHL", 2)},
    "unit_variant_none": {"New": None},
    "list_as_tuple": [1, 2],
    "int_as_float": 3,
    "float_as_int": 2.5,
    "bytearray_as_bytes": bytearray(b"\x00\x01"),
    "bytes_as_vec": b"\x00\x01",
    "bytes_as_string": b"abc",
    "dataclass": Order(1),
    "big_int": 2**64,
    "surrogate": "\udc80",
    "two_entry_enum": {"New": None, "Paid": 1},
    "unit_variant_with_data": {"New": 1},
    "bad_field": [{"id": 1}, {"id": "x"}],
    "borrowed": {"name": "Ada", "raw": b"\x00\x01", "cow": "cow", "list": ["x", "yz"]},
    "escaped": {"cow": "\u20acuro\\"},
}


def main():
    out = []
    for name, value in SHAPES.items():
        for proto in range(6):
            out += [name.encode(), bytes([proto]), pickle.dumps(value, proto)]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
