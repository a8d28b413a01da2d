"""The pickles serde-pickle's own test suite reads (its test/data), made by
the Python running this script (3.x, or 2.7): a dict of every kind of value,
with instances of a plain class, a namedtuple, a dataclass and int enums, at
every protocol the interpreter writes; a list that contains itself; and an
object built by a call that nothing resolves. Writes them into the
directory named by the first argument, as `tests_py{2,3}_proto{N}.pickle`,
`test_recursive_proto{N}.pickle`, `test_unresolvable_global.pickle` and
`two_pickles.bin` (two pickles in a row, and a byte)."""
import os
import pickle
import sys

PY3 = sys.version_info[0] >= 3

LONGISH = 10000000000 * 10000000000  # beyond 64 bits


class Class(object):
    def __init__(self):
        self.attr = 5


class ReduceClass(object):
    def __reduce__(self):
        return (ReduceClass, ())


def test_object():
    obj = {
        None: None,
        False: (False, True),
        1000: 100000,
        LONGISH: LONGISH,
        1.0: 1.0,
        b"bytes": b"bytes",
        u"string": u"string",
        (1, 2): (1, 2, 3),
        frozenset((42, 0)): frozenset((42, 0)),
        (): [[1, 2, 3], set([42, 0]), {}, bytearray(b"\x00\x55\xaa\xff")],
        7: Class(),
    }
    if PY3:
        import dataclasses
        import enum
        import typing

        NamedTuple = typing.NamedTuple("NamedTuple", [("type", str), ("quantity", int)])

        DataClass = dataclasses.make_dataclass("DataClass", [("type", str), ("quantity", int)])

        class NormalEnum(enum.IntEnum):
            val = 30

        # CPython 3.11.0-3.11.3 pickle members as `getattr(cls, name)`; the
        # ported tests expect the by-value form every other version writes
        # (members by name are tested with the derive and `Value` readers).
        if NormalEnum.val.__reduce_ex__(2)[0] is getattr:
            NormalEnum.__reduce_ex__ = lambda self, proto: (self.__class__, (self._value_,))

        class ByValueEnum(enum.IntEnum):
            val = 20

            def __reduce_ex__(self, proto):
                return self.__class__, (self._value_,)

        # Pickling looks the classes up by name in this module.
        for cls in (NamedTuple, DataClass, NormalEnum, ByValueEnum):
            cls.__module__ = __name__
            cls.__qualname__ = cls.__name__
            globals()[cls.__name__] = cls
        obj[8] = NamedTuple("abc", 10)
        obj[9] = DataClass(type="abcd", quantity=100)
        obj[42] = NormalEnum.val
        obj[43] = ByValueEnum.val
    return obj


def main():
    out = sys.argv[1]
    major = sys.version_info[0]
    obj = test_object()
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        with open(os.path.join(out, "tests_py%d_proto%d.pickle" % (major, proto)), "wb") as f:
            pickle.dump(obj, f, proto)
    if not PY3:
        return
    rec_list = []
    rec_list.append(([rec_list],))
    for proto in range(pickle.HIGHEST_PROTOCOL + 1):
        with open(os.path.join(out, "test_recursive_proto%d.pickle" % proto), "wb") as f:
            pickle.dump(rec_list, f, proto)
    with open(os.path.join(out, "test_unresolvable_global.pickle"), "wb") as f:
        pickle.dump(ReduceClass(), f, pickle.HIGHEST_PROTOCOL)
    # Two pickles in a row, and a byte after them.
    with open(os.path.join(out, "two_pickles.bin"), "wb") as f:
        f.write(pickle.dumps("Hello", 4) + pickle.dumps("pickle", 4) + b"\0")


if __name__ == "__main__":
    main()
