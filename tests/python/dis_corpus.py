"""Pickles for the disassembler tests, as records: name, pickle, name, pickle, ...

Sections (the first argument):

values      CPython's own pickles of built-in values and class instances, at
            every protocol from 0 to 5.
handmade    Pickles assembled byte by byte, for the opcodes CPython 3.11 no
            longer writes (INST, OBJ, DUP, STRING, BINSTRING, BINBYTES8, ...),
            unusual argument text, and malformed pickles that pickletools
            rejects in each of its ways.
codepoints  Every code point from U+0000 to U+10FFFF (lone surrogates too) in
            strings of 4096, at protocols 0 and 4: the repr() of each one;
            on a CPython of another Unicode version than the disassembler's
            table, the code points assigned in only one of them are left out.
"""
import collections
import copyreg
import dataclasses
import datetime
import decimal
import enum
import os
import pickle
import random
import struct
import sys
import unicodedata

from records import write_records


# --- classes whose instances the values section pickles -------------------

class Plain:
    def __init__(self):
        self.number = 1
        self.text = "x"
        self.items = [1, 2]


@dataclasses.dataclass
class Point:
    x: int
    y: float
    label: str = "origin"


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self):
        self.a = 1
        self.b = (2, 3)


Pair = collections.namedtuple("Pair", "left right")


class Color(enum.Enum):
    RED = 1
    GREEN = "green"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


class Reduced:
    """__reduce__ with a callable, arguments and a state."""

    def __init__(self, value):
        self.value = value

    def __reduce__(self):
        return (Reduced, (self.value,), {"extra": [self.value]})


class ReducedItems(list):
    """A list subclass: pickled with list items (APPENDS) after NEWOBJ."""


class ReducedDict(dict):
    """A dict subclass: pickled with dict items (SETITEMS) after NEWOBJ."""


class KeywordOnly:
    """__getnewargs_ex__ with keyword arguments: NEWOBJ_EX at protocol 4."""

    def __new__(cls, *args, **kwargs):
        self = super().__new__(cls)
        self.args = (args, kwargs)
        return self

    def __getnewargs_ex__(self):
        return ((1,), {"flag": True})


class Outer:
    class Inner:
        pass


class Registered:
    """Pickled through copyreg extension codes: EXT1, EXT2 and EXT4."""


class RegisteredTwo:
    pass


class RegisteredFour:
    pass


copyreg.add_extension(__name__, "Registered", 7)
copyreg.add_extension(__name__, "RegisteredTwo", 300)
copyreg.add_extension(__name__, "RegisteredFour", 70000)


class PersistentPickler(pickle.Pickler):
    """Writes tuples tagged "pid" as persistent ids (PERSID, BINPERSID)."""

    def persistent_id(self, obj):
        if isinstance(obj, tuple) and len(obj) == 2 and obj[0] == "pid":
            return obj[1]
        return None


def persistent_dumps(obj, protocol):
    import io

    out = io.BytesIO()
    PersistentPickler(out, protocol).dump(obj)
    return out.getvalue()


# --- the values ------------------------------------------------------------

def values():
    shared = [1, 2]
    recursive_list = []
    recursive_list.append(recursive_list)
    recursive_dict = {}
    recursive_dict["self"] = recursive_dict
    recursive_tuple = ([],)
    recursive_tuple[0].append(recursive_tuple)
    nested = []
    for _ in range(40):
        nested = [nested, (nested,)]
    many_strings = [f"s{i}" for i in range(300)]
    yield "none", None
    yield "bools", [True, False]
    yield "small_ints", [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, -2**31 - 1]
    yield "i64_edges", [2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**64]
    yield "big_ints", [10**30, -10**30, 2**2039 - 1, -2**2040]
    yield "huge_int_4300_digits", 10**4299
    yield "huge_int_over_limit", 10**5000
    yield "floats", [0.0, -0.0, 1.5, 0.1, 1e16, 1e22, 1e-5, 5e-324, 1e-310, 1.7976931348623157e308,
                     123456789.123456789, -2.5e-300]
    yield "float_specials", [float("nan"), float("inf"), float("-inf")]
    # Doubles of random bits: repr() must pick the same shortest digits, and
    # break ties to even (2.50000762939453125 is 2.5000076293945312).
    rng = random.Random(1234)
    yield "random_floats", [2.50000762939453125] + [
        struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)
    ]
    yield "strs", ["", "a", "it's", 'say "hi"', "both ' and \"", "back\\slash",
                   "\n\r\t\x00\x1f\x7f", "caf\u00e9", "\u20ac", "\U0001f600", "\u2028\u00ad\u00a0"]
    yield "lone_surrogates", ["\ud800", "\udfff", "a\ud800b\udc00c", "\udbff\udfff"]
    yield "str_300", "x" * 300
    yield "str_64k", "abc\u00e9" * 17000
    yield "bytes", [b"", b"\x00\xff", bytes(range(256)), b"it's", b"\"'", b"back\\slash"]
    yield "bytes_64k", bytes(range(256)) * 300
    yield "bytearrays", [bytearray(), bytearray(b"it's"), bytearray(range(256))]
    yield "list", [1, "two", 3.0, None]
    yield "tuples", [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)]
    yield "dict", {"a": 1, "b": [2, 3], 4: "four", (5, 6): None}
    yield "sets", [set(), {1, 2, 3}, frozenset(), frozenset({4, 5})]
    yield "list_1500", list(range(1500))
    yield "dict_1500", {i: -i for i in range(1500)}
    yield "set_1500", set(range(1500))
    yield "frozenset_1500", frozenset(range(1500))
    yield "tuple_1500", tuple(range(1500))
    yield "nested_40", nested
    yield "shared", [shared, shared, (shared,)]
    yield "many_shared_strings", many_strings + many_strings
    yield "recursive_list", recursive_list
    yield "recursive_dict", recursive_dict
    yield "recursive_tuple", recursive_tuple
    yield "plain_instance", Plain()
    yield "dataclass", Point(1, 2.5)
    yield "slots", Slotted()
    yield "namedtuple", Pair(1, "r")
    yield "enums", [Color.RED, Color.GREEN, Level.HIGH]
    yield "reduce", Reduced(42)
    yield "list_subclass", ReducedItems([1, 2, 3])
    yield "dict_subclass", ReducedDict(a=1)
    yield "newobj_ex", KeywordOnly()
    yield "nested_class", Outer.Inner
    yield "globals", [len, Plain, collections.OrderedDict, datetime.datetime]
    yield "datetime", [datetime.datetime(2024, 2, 29, 12, 30, 45, 123456),
                       datetime.date(1999, 12, 31), datetime.time(23, 59),
                       datetime.timedelta(days=-1, seconds=5),
                       datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)]
    yield "decimal", [decimal.Decimal("1.10"), decimal.Decimal("-inf"), decimal.Decimal("NaN")]
    yield "ordereddict", collections.OrderedDict([("z", 1), ("a", 2)])
    yield "defaultdict", collections.defaultdict(list, {"k": [1]})
    yield "counter_deque", [collections.Counter("abca"), collections.deque([1, 2], maxlen=5)]
    yield "complex", [1 + 2j, complex("nan")]
    yield "extensions", [Registered, RegisteredTwo, RegisteredFour]


def values_section():
    for name, value in values():
        for protocol in range(6):
            try:
                data = pickle.dumps(value, protocol)
            except (ValueError, TypeError):
                # Protocols 0 and 1 write ints as decimal text, which Python
                # refuses beyond 4300 digits, and cannot write __slots__
                # instances without __getstate__.
                if protocol >= 2:
                    raise
                continue
            yield f"{name}/p{protocol}", data
    for protocol in range(6):
        pid = [("pid", "plain"), ("pid", "with\\backslash"), [("pid", "nested")]]
        yield f"persistent_ids/p{protocol}", persistent_dumps(pid, protocol)
    # Out-of-band buffers: NEXT_BUFFER, and READONLY_BUFFER for read-only ones.
    buffers = [pickle.PickleBuffer(b"ro"), pickle.PickleBuffer(bytearray(b"rw"))]
    yield "out_of_band/p5", pickle.dumps(buffers, 5, buffer_callback=lambda b: False)
    yield "in_band_buffers/p5", pickle.dumps(buffers, 5)


# --- hand-assembled pickles -------------------------------------------------

def u1(n):
    return struct.pack("<B", n)


def u2(n):
    return struct.pack("<H", n)


def i4(n):
    return struct.pack("<i", n)


def u4(n):
    return struct.pack("<I", n)


def u8(n):
    return struct.pack("<Q", n)


def handmade():
    # Valid pickles using opcodes CPython 3.11 does not write.
    yield "inst", b"(I1\nS'a'\nidatetime\ntimedelta\n."
    yield "inst_escaped_names", b"(i__main\\x5f_\nA\\tB\n."
    yield "obj", b"(cdatetime\ntimedelta\nK\x01o."
    yield "dup_pop", b"K\x012\x30\x30K\x02."
    yield "dup_pop_mark", b"(K\x01K\x021N."
    yield "pop_of_mark", b"(0N."
    yield "persid", b"Pa\\nb\\x41\n."
    yield "binpersid", b"X\x03\x00\x00\x00pidQ."
    yield "ext1_2_4", b"\x80\x02(\x82\x01\x83\x2c\x01\x84\x70\x11\x01\x00\x84\xff\xff\xff\xfft."
    yield "string_quotes", b"(S'single'\nS\"double\"\nS'it\\'s'\nS''\nS'\"'\nl."
    yield "string_escapes", b"S'a\\x41\\101\\n\\t\\\\\\q\\0\\x7f'\n."
    yield "string_lone_quote", b"S'\n."
    yield "binstring", b"(T" + i4(256) + bytes(range(256)) + b"U\x03\xe9\xff'l."
    yield "unicode_text", b"(V\n" + b"Vcaf\xe9 \\u20ac \\U0001f600 \\ud800 \\\\u0041 \\x\nl."
    yield "long_text", b"(L12L\nL-0L\nL12\nL 7 \nL1_000L\nL" + b"9" * 4300 + b"L\nl."
    yield "int_text", b"(I017\nI 12 \nI-0\nI+5\nI1_000\nI00\nI01\nI" + b"9" * 4300 + b"\nl."
    yield "float_text", b"(F1.5\nF1e999\nF-1e999\nFnan\nF-inf\nF 2.5 \nF1_0.5\nF-0.0\nF5e-324\nl."
    yield "binfloat", b"(G" + struct.pack(">d", -0.0) + b"G\x7f\xf8\x00\x00\x00\x00\x00\x01G\x7f\xf0\x00\x00\x00\x00\x00\x00l."
    yield "binints", b"(J" + i4(-1) + b"J" + i4(-2**31) + b"M\xff\xffK\xffl."
    yield "long1_long4", (b"\x80\x02(\x8a\x00\x8a\x01\xff\x8a\x02\x00\x80\x8b" + i4(0) + b"\x8b" + i4(3)
                          + b"\x01\x02\x03\x8a\xff" + b"\x7f" * 255 + b"l.")
    yield "long4_over_repr_limit", b"\x80\x02\x8b" + i4(1800) + b"\x11" * 1800 + b"."
    yield "bytes_opcodes", (b"\x80\x04(C\x00B" + u4(3) + b"abc\x8e" + u8(4) + b"\x00'\"\\"
                            + b"\x96" + u8(3) + b"x'y\x96" + u8(0) + b"l.")
    yield "unicode_opcodes", (b"\x80\x04(\x8c\x02\xc3\xa9X" + u4(3) + b"\xed\xa0\x80\x8d" + u8(4)
                              + "\U0001f600".encode() + b"l.")
    yield "buffers", b"\x80\x05(\x97\x97\x98l."
    yield "proto_all", b"\x80\x00\x80\x01\x80\x02\x80\x03\x80\x04\x80\x05N."
    yield "proto_6", b"\x80\x06N."
    yield "proto_255_late", b"N\x80\xff."
    yield "frames", b"\x80\x04\x95" + u8(3) + b"K\x01\x95" + u8(2**64 - 1) + b"."
    yield "mark_opcodes", b"((K\x01K\x02t(K\x03l(K\x04K\x05d(K\x06\x91\x8f(K\x07\x90t."
    yield "deep_marks", b"(" * 30 + b"N" + b"t" * 30 + b"."
    yield "globals", b"\x80\x04cos\npath\n\x8c\x04zzzz\x8c\x01y\x93\x86."
    yield "newobj_newobj_ex", b"\x80\x04cx\nC\n)\x81cx\nC\n)}\x92\x86."
    yield "reduce_build", b"cx\nf\n)R}b."
    yield "empty_containers", b"\x80\x04])}\x8f\x87\x86."
    yield "appends_setitems", b"](K\x01K\x02e}(K\x01K\x02u\x86."
    # Memo use, valid and invalid.
    yield "memo_text", b"(I1\np0\nI2\np01\ng0\ng1\ng00\nl."
    yield "memo_bool_key", b"I5\np00\ng0\n\x86."
    yield "memo_binary", b"]q\x00r" + u4(1000) + b"h\x00j" + u4(1000) + b"\x87."
    yield "memo_big_key", b"I7\np" + b"9" * 30 + b"\ng" + b"9" * 30 + b"\n\x86."
    yield "memoize", b"\x80\x04(]\x94]\x94h\x00h\x01t."
    yield "memoize_clash", b"\x80\x04]p1\n\x94]\x94."
    yield "put_twice", b"]q\x01q\x01."
    yield "put_empty_stack", b"q\x00N."
    yield "put_mark", b"(q\x00N."
    yield "get_missing", b"h\x05."
    yield "get_missing_text", b"g-3\n."
    yield "get_before_put", b"g0\nNp0\n\x86."
    yield "get_before_put_binary", b"\x80\x02h\x00Nq\x00\x86."
    yield "unused_puts", b"\x80\x03]q\x00(K\x01q\x01K\x02q\x02h\x01e."
    # Stack and mark errors.
    yield "no_mark", b"K\x01t."
    yield "pop_empty", b"0."
    yield "append_underflow", b"K\x01a."
    yield "append_takes_mark", b"K\x00(a(ll."
    yield "dup_of_mark", b"(2t."
    yield "stop_empty", b"."
    yield "stop_not_empty", b"K\x01K\x02."
    yield "stop_with_mark", b"(K\x01."
    yield "stop_with_marks_and_items", b"K\x01((N."
    # Argument errors.
    yield "unknown_opcode", b"K\x01\xff."
    yield "unknown_opcode_ascii", b"z."
    yield "exhausted", b"K\x01"
    yield "empty", b""
    yield "bad_int", b"I12x\n."
    yield "int_with_L", b"I12L\n."
    yield "int_hex", b"I0x10\n."
    yield "int_nul", b"I1\x002\n."
    yield "int_too_many_digits", b"I" + b"9" * 4301 + b"\n."
    yield "long_too_many_digits", b"L" + b"9" * 4400 + b"L\n."
    yield "long_invalid_long_text", b"L" + b"x" * 300 + b"\n."
    yield "bad_float", b"Fabc\n."
    yield "float_nul", b"F1\x00\n."
    yield "float_underscore", b"F1__0\n."
    yield "no_newline", b"I12"
    yield "string_no_quotes", b"Sabc\n."
    yield "string_one_quote", b"S'abc\n."
    yield "string_bad_hex", b"S'ab\\x4'\n."
    yield "string_trailing_backslash", b"S'ab\\'\n."
    yield "string_non_ascii", b"S'caf\xe9'\n."
    yield "string_escaped_non_ascii", b"S'\\xe9'\n."
    yield "string_octal_wraps", b"S'\\777'\n."
    yield "unicode_truncated_escape", b"V\\u12\n."
    yield "unicode_out_of_range", b"V\\U00110000\n."
    yield "binunicode_bad_utf8", b"X" + u4(2) + b"\xff\xfe."
    yield "short_binunicode_truncated_utf8", b"\x8c\x02\xe2\x82."
    yield "binstring_negative", b"T" + i4(-5) + b"."
    yield "binstring_short", b"T" + i4(10) + b"abc"
    yield "long4_negative", b"\x8b" + i4(-1) + b"."
    yield "long4_short", b"\x8b" + i4(10) + b"\x01."
    yield "long1_short", b"\x8a\x05\x01"
    yield "bytes8_over_maxsize", b"\x8e" + u8(2**63) + b"."
    yield "bytes8_huge", b"\x8e" + u8(2**62) + b"abc."
    yield "bytearray8_huge", b"\x96" + u8(2**40) + b"."
    yield "unicode8_huge", b"\x8d" + u8(2**63 - 1) + b"."
    yield "bytes4_huge", b"B" + u4(2**32 - 1) + b"."
    yield "uint1_missing", b"K"
    yield "uint2_short", b"M\x01"
    yield "int4_short", b"J\x01\x02"
    yield "uint8_short", b"\x95\x01\x02\x03"
    yield "float8_short", b"G\x01\x02\x03"
    yield "global_one_line", b"cos\n"
    yield "global_bad_escape", b"cos\\x\npath\n."
    yield "persid_no_newline", b"Pabc"
    # Optimize-specific: re-framing, opcodes larger than a frame.
    big = b"x" * 70000
    yield "big_frameless", (b"\x80\x04\x95" + u8(5) + b"]\x94(K\x01B" + u4(len(big)) + big
                            + b"K\x02\x8c\x01a\x94h\x01e.")
    yield "many_small_ops", b"\x80\x04](" + b"K\x01" * 40000 + b"e."


def handmade_section():
    for name, data in handmade():
        yield f"handmade/{name}", data


def differently_assigned():
    """The code points assigned in this CPython's Unicode version and not in
    that of pickle-core's printable table, or the other way round (none when
    the versions are the same): `repr` shows them as its own version says,
    the disassembler as the table's does."""
    path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "unicode_unassigned.txt")
    with open(path, encoding="ascii") as f:
        lines = [line.split() for line in f if not line.startswith("#")]
    table_version = lines[0][1]
    if table_version == unicodedata.unidata_version:
        return set()
    theirs = set()
    for lo, hi in lines[1:]:
        theirs.update(range(int(lo, 16), int(hi, 16) + 1))
    ours = {cp for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cn"}
    return theirs ^ ours


def codepoints_section():
    chunk = 4096
    left_out = differently_assigned()
    strings = ["".join(chr(cp) for cp in range(start, min(start + chunk, 0x110000))
                       if cp not in left_out)
               for start in range(0, 0x110000, chunk)]
    for protocol in (0, 4):
        for i in range(0, len(strings), 16):
            data = pickle.dumps(strings[i:i + 16], protocol)
            yield f"codepoints/{i * chunk:06x}/p{protocol}", data


SECTIONS = {
    "values": values_section,
    "handmade": handmade_section,
    "codepoints": codepoints_section,
}


def main():
    records = []
    for name, data in SECTIONS[sys.argv[1]]():
        records.append(name.encode())
        records.append(data)
    sys.stdout.buffer.write(write_records(records))


if __name__ == "__main__":
    main()
