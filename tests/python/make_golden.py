"""Write the golden fixtures under pickle-core/tests/fixtures/golden/.

For each fixture NAME it writes:

  NAME.pkl   pickle.dumps(value, protocol), as this CPython writes it;
  NAME.dis   what pickletools.dis prints for it;

and, for all of them:

  MANIFEST   one line per fixture: NAME, a tab, the protocol, a tab, and a
             description of the value as pickle_core::Value should decode it
             (see describe() below; pickle-core/tests/golden.rs describes Values the same way);
  VERSION    the exact CPython version that wrote them.

Run it from the repository root after changing the fixtures:

    python3 tests/python/make_golden.py [--out DIR] [--version-only]

and commit the results. pickle-core/tests/golden.rs reads the committed
files (and needs no Python); tests/golden.rs reruns this script into a
scratch directory to check that they are still what it writes (when the
installed CPython is the recorded version).
"""
import argparse
import collections
import dataclasses
import datetime
import decimal
import enum
import io
import pathlib
import pickle
import pickletools
import struct
import sys


class Plain:
    def __init__(self):
        self.name = "plain"
        self.sizes = [1, 2]


@dataclasses.dataclass
class Point:
    x: int
    y: float


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1
        # Not "b": a one-character literal is the very object of the
        # attribute name `b`, which a Rust value cannot be.
        self.b = "bee"


Pair = collections.namedtuple("Pair", "left right")


class Color(enum.Enum):
    RED = 1


class Reduced:
    def __reduce__(self):
        return (Reduced, ("arg",), {"state": True})


class KeywordOnly:
    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)

    def __getnewargs_ex__(self):
        return ((1,), {"flag": True})


def fixtures():
    shared = ["shared"]
    recursive = []
    recursive.append(recursive)
    scalars = [None, True, False, 0, -1, 2**70, -(2**70), 1.5, -0.0, float("inf"),
               "caf\u00e9 \ud800 \"q\" 'q'", b"\x00bytes\xff"]
    for protocol in range(6):
        yield f"scalars_p{protocol}", protocol, scalars
    yield "containers_p1", 1, {"list": [1, (2, 3)], "set": {1, 2}, "frozenset": frozenset({3}),
                               "bytearray": bytearray(b"x"), "empty": ((), [], {})}
    yield "containers_p5", 5, {"set": {1, 2}, "bytearray": bytearray(b"x"), "nan": float("nan")}
    yield "shared_recursive_p3", 3, [shared, shared, recursive]
    yield "instances_p2", 2, [Plain(), Point(1, 2.5), Pair("l", "r"), Color.RED, Reduced()]
    yield "instances_p4", 4, [Slotted(), KeywordOnly()]
    yield "stdlib_p4", 4, [datetime.datetime(2024, 2, 29, 12, 30), decimal.Decimal("1.10"),
                           collections.OrderedDict(a=1), collections.defaultdict(list, k=[1])]
    # One instance of each class alone, at each protocol that can write it:
    # pickle-core's tests write the equal Rust values and compare the bytes.
    for protocol in range(6):
        yield f"plain_p{protocol}", protocol, Plain()
        yield f"point_p{protocol}", protocol, Point(1, 2.5)
        yield f"pair_p{protocol}", protocol, Pair("l", "r")
        yield f"color_p{protocol}", protocol, Color.RED
        if protocol >= 2:
            yield f"slotted_p{protocol}", protocol, Slotted()


# --- describe(): the expected decoding, from the Python value itself -------

def text(s):
    """A str, its printable ASCII kept and every other code point as \\u{hex}."""
    return "".join(c if 0x20 <= ord(c) < 0x7F and c not in '\\"' else "\\u{%x}" % ord(c) for c in s)


def describe(v, protocol, active=()):
    if v is None or v is True or v is False:
        return repr(v)
    t = type(v)
    if t is int:
        return f"int({v})"
    if t is float:
        return f"float({struct.pack('>d', v).hex()})"
    if t is str:
        return f'str("{text(v)}")'
    if t in (bytes, bytearray):
        return f'{t.__name__}("{text(v.decode("latin-1"))}")'
    if id(v) in active:
        return "recursive"
    inner = active + (id(v),)
    items = lambda xs: ", ".join(describe(x, protocol, inner) for x in xs)  # noqa: E731
    if t in (list, tuple, set, frozenset):
        return f"{t.__name__}[{items(v)}]"
    if t is dict:
        return "dict{" + ", ".join(
            f"{describe(k, protocol, inner)}: {describe(x, protocol, inner)}" for k, x in v.items()
        ) + "}"
    if isinstance(v, type) or callable(v):
        return f"global({v.__module__}, {v.__qualname__})"
    return describe_object(v, protocol, inner)


def describe_object(v, protocol, active):
    """An instance, as pickle writes it: the call __reduce_ex__ names, then
    the list items, dict items and state applied to the new object."""
    func, args, state, listitems, dictitems = (v.__reduce_ex__(protocol) + (None,) * 5)[:5]
    d = lambda x: describe(x, protocol, active)  # noqa: E731
    name = getattr(func, "__name__", "")
    if protocol >= 4 and name == "__newobj_ex__":
        cls, cls_args, kwargs = args
        call = f"newobj_ex({d(cls)}, {d(tuple(cls_args))}, {d(kwargs)})"
    elif protocol >= 2 and name == "__newobj__":
        call = f"newobj({d(args[0])}, {d(tuple(args[1:]))})"
    else:
        call = f"reduce({d(func)}, {d(args)})"
    ops = [f"append({d(x)})" for x in (listitems or ())]
    ops += [f"setitem({d(k)}, {d(x)})" for k, x in (dictitems or ())]
    if state is not None:
        ops.append(f"build({d(state)})")
    return call + (f".ops[{', '.join(ops)}]" if ops else "")


def version():
    return f"CPython {sys.version.split()[0]}\n"


def main():
    parser = argparse.ArgumentParser()
    root = pathlib.Path(__file__).resolve().parent.parent
    parser.add_argument("--out", type=pathlib.Path,
                        default=root.parent / "pickle-core" / "tests" / "fixtures" / "golden")
    parser.add_argument("--version-only", action="store_true",
                        help="print what VERSION would hold, and write nothing")
    args = parser.parse_args()
    if args.version_only:
        sys.stdout.write(version())
        return
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for name, protocol, value in fixtures():
        data = pickle.dumps(value, protocol)
        (out / f"{name}.pkl").write_bytes(data)
        listing = io.StringIO()
        pickletools.dis(data, out=listing)
        (out / f"{name}.dis").write_text(listing.getvalue(), encoding="utf-8")
        manifest.append(f"{name}\t{protocol}\t{describe(value, protocol)}\n")
    (out / "MANIFEST").write_text("".join(manifest), encoding="utf-8")
    (out / "VERSION").write_text(version(), encoding="utf-8")


if __name__ == "__main__":
    main()
