"""Loading pickles in CPython with inert stand-ins for globals, and comparing
what was loaded, sharing included.

`load(data)` runs CPython's own C unpickler, but every global it asks for is a
stand-in class that records how it is called, constructed and mutated instead
of doing anything. The few constructors of plain data that pickle-core folds
into plain values (set, frozenset, bytearray, bytes, codecs.encode) stay real,
so that a folded value and the call it came from load alike.

`deep_equal(a, b)` compares two loaded objects structurally: same types, same
data (floats by bits), and the same sharing (an object reached twice in `a` is
one object reached twice in `b`).
"""
import builtins
import codecs
import io
import math
import pickle
import struct
import sys
import types

sys.setrecursionlimit(1_000_000)

REAL = {
    # `getattr(parent, name)` is how protocols below 4 name a nested class;
    # on stand-ins it gives the nested stand-in class.
    ("builtins", "getattr"): getattr,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "bytes"): bytes,
    ("_codecs", "encode"): codecs.encode,
}


class StandInMeta(type):
    """Classes named by a pickle; attribute access gives nested stand-ins
    (protocol 4 looks up dotted qualified names one part at a time)."""

    def __getattr__(cls, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return stand_in_class(cls._module, cls._qualname + "." + attr)

    def __repr__(cls):
        return f"<stand-in {cls._module}.{cls._qualname}>"


class StandIn(metaclass=StandInMeta):
    """An instance of a stand-in class: a record of what the pickle did to it."""

    _module = "?"
    _qualname = "?"

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        self.__dict__["_how"] = ("new", args, kwargs)
        return self

    def __init__(self, *args, **kwargs):
        self.__dict__["_how"] = ("call", args, kwargs)

    def _record(self, op):
        self.__dict__.setdefault("_ops", []).append(op)

    def __setstate__(self, state):
        self._record(("build", state))

    def append(self, item):
        self._record(("append", item))

    def extend(self, items):
        for item in items:
            self._record(("append", item))

    def __setitem__(self, key, value):
        self._record(("setitem", key, value))

    def add(self, item):
        self._record(("add", item))

    def __call__(self, *args, **kwargs):
        result = object.__new__(CallResult)
        result.__dict__["_how"] = ("instance-call", self, args, kwargs)
        return result

    def __repr__(self):
        return f"<{type(self)._module}.{type(self)._qualname} {self.__dict__!r}>"


class CallResult(StandIn):
    _module = "<call>"
    _qualname = "<result>"


_classes = {}


def stand_in_class(module, qualname):
    key = (module, qualname)
    if key not in _classes:
        _classes[key] = StandInMeta(
            "StandIn", (StandIn,), {"_module": module, "_qualname": qualname}
        )
    return _classes[key]


class _Names:
    """What `Unpickler.find_class` resolved, after its own Python 2 renaming."""

    def __init__(self, module):
        self.module = module

    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        real = REAL.get((self.module, attr))
        return real if real is not None else stand_in_class(self.module, attr)


class _StandInGlobals:
    """`find_class` that keeps CPython's own Python 2 renaming (done inside
    `find_class` before it imports) but gets a namespace of stand-ins
    instead of the real module."""

    def find_class(self, module, name):
        real_import = builtins.__import__
        saved = {}

        def fake_import(mod, *args, **kwargs):
            if mod not in saved:
                saved[mod] = sys.modules.get(mod, _MISSING)
            sys.modules[mod] = _Names(mod)
            return sys.modules[mod]

        builtins.__import__ = fake_import
        try:
            return super().find_class(module, name)
        finally:
            builtins.__import__ = real_import
            for mod, old in saved.items():
                if old is _MISSING:
                    sys.modules.pop(mod, None)
                else:
                    sys.modules[mod] = old


class StandInUnpickler(_StandInGlobals, pickle.Unpickler):
    """CPython's C unpickler (what `pickle.loads` uses), with stand-ins."""


class PureStandInUnpickler(_StandInGlobals, pickle._Unpickler):
    """CPython's pure-Python unpickler (`pickle._Unpickler`), with stand-ins."""


_MISSING = object()


def load(data, buffers=None):
    """Loads `data` with stand-ins for globals, by the C unpickler."""
    return StandInUnpickler(io.BytesIO(data), buffers=buffers).load()


def load_pure(data):
    """Loads `data` with stand-ins for globals, by the pure-Python unpickler."""
    return PureStandInUnpickler(io.BytesIO(data)).load()


_IDENTITY_FREE = (type(None), bool, int, float, str, bytes)


def _float_bits(x):
    return struct.pack("<d", x)


def deep_equal(a, b):
    """Structural equality with the same sharing; see the module doc."""
    forward, backward = {}, {}

    def same_identity(x, y):
        # Atoms have no observable identity; empty tuples/frozensets are singletons.
        if isinstance(x, _IDENTITY_FREE) or x == () or x == frozenset():
            return True
        ix, iy = id(x), id(y)
        if ix in forward or iy in backward:
            return forward.get(ix) == iy and backward.get(iy) == ix
        forward[ix], backward[iy] = iy, ix
        return None  # first visit: compare contents

    def eq(x, y):
        if isinstance(x, StandInMeta) or isinstance(y, StandInMeta):
            return (
                isinstance(x, StandInMeta)
                and isinstance(y, StandInMeta)
                and (x._module, x._qualname) == (y._module, y._qualname)
            )
        if type(x) is not type(y):
            if not (isinstance(x, StandIn) and isinstance(y, StandIn)):
                return False
        if isinstance(x, float):
            return _float_bits(x) == _float_bits(y)
        if isinstance(x, _IDENTITY_FREE):
            return x == y
        known = same_identity(x, y)
        if known is not None:
            return known
        if isinstance(x, StandIn):
            tx, ty = type(x), type(y)
            if (tx._module, tx._qualname) != (ty._module, ty._qualname):
                return False
            return eq(x.__dict__.get("_how"), y.__dict__.get("_how")) and eq(
                x.__dict__.get("_ops", []), y.__dict__.get("_ops", [])
            )
        if isinstance(x, (list, tuple)):
            return len(x) == len(y) and all(eq(i, j) for i, j in zip(x, y))
        if isinstance(x, dict):
            return len(x) == len(y) and all(
                eq(k1, k2) and eq(v1, v2)
                for (k1, v1), (k2, v2) in zip(x.items(), y.items())
            )
        if isinstance(x, (set, frozenset)):
            if len(x) != len(y):
                return False
            if all(isinstance(i, _IDENTITY_FREE) for i in x):
                return x == y or all(
                    any(eq(i, j) for j in y) for i in x
                )
            rest = list(y)
            for i in x:
                for k, j in enumerate(rest):
                    if eq(i, j):
                        del rest[k]
                        break
                else:
                    return False
            return True
        if isinstance(x, bytearray):
            return x == y
        if isinstance(x, memoryview):
            return x.tobytes() == y.tobytes() and x.readonly == y.readonly
        if isinstance(x, (types.FunctionType, types.BuiltinFunctionType, type)):
            return x is y
        return x == y

    return eq(a, b)
