"""For every plain-data value of the round-trip corpus (no instances, no
globals): records (name, protocol-5 pickle, repr). The Rust side checks that
`Value`'s `Display` of the decoded pickle is CPython's `repr`."""
import pickle
import sys

from corpus import values
from records import write_records

PLAIN = (type(None), bool, int, float, str, bytes, bytearray, list, tuple, dict, set, frozenset)


def plain(v, seen=()):
    if id(v) in seen:
        return True
    if type(v) not in PLAIN:
        return False
    seen = seen + (id(v),)
    if isinstance(v, dict):
        return all(plain(k, seen) and plain(x, seen) for k, x in v.items())
    if isinstance(v, (list, tuple, set, frozenset)):
        return all(plain(x, seen) for x in v)
    return True


def main():
    records = []
    for name, value in values().items():
        if plain(value):
            records += [name.encode(), pickle.dumps(value, 5), repr(value).encode("utf-8", "surrogatepass")]
    # What repr escapes beyond ASCII, and what it keeps.
    extra = {
        "str controls": "\x7f\x80\x9f\xa0\xad\xff\u2028\u200b\ufeff\U000e0001",
        "str printable": "é€😀\u0394\u4e2d",
        "str quotes": ["'", '"', "'\"", "\\"],
        "bytes quotes": [b"'", b'"', b"'\"", b"\x7f\x80"],
        # Unassigned code points (in every Unicode version 3.8-3.13 know).
        "str unassigned": "\u0378\u0530\U0001fffe x",
        # bytearray's repr escapes `'` even between double quotes.
        "bytearray quotes": [bytearray(b"it's"), bytearray(b'"'), bytearray(b"'\"")],
        "floats": [1e16, 1e15, 1.5e-5, 1e-4, 123456789.125, -1e-310, 2.0**60],
        "empty containers": [[], (), {}, set(), frozenset(), bytearray()],
    }
    for name, value in extra.items():
        records += [name.encode(), pickle.dumps(value, 5), repr(value).encode("utf-8", "surrogatepass")]
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    main()
