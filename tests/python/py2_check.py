"""What Python 2.7 and Python 3 load from the same pickles (protocols 0 to 2,
written by Rust), as text to compare: runs on both.

stdin: records (name, protocol, pickle). stdout: one line per record,
`name<TAB>protocol<TAB>outcome`, where outcome is a canonical text of the
loaded object (the same for equal objects on both versions: dict and set
items sorted, floats by their bits (a NaN's sign aside), strings by their
UTF-8), `lacks: <what>`
(Python 3 only) for an object of a type Python 2 does not have, or
`error: <exception>`."""
import binascii
import collections
import datetime
import decimal
import pickle
import struct
import sys
import uuid

from records import read_records

PY2 = sys.version_info[0] == 2
TEXT = unicode if PY2 else str  # noqa: F821 (Python 2's name)
BYTES = str if PY2 else bytes
INTS = (int, long) if PY2 else (int,)  # noqa: F821


class Lacks(Exception):
    """An object of a type Python 2 does not have."""


def hexed(data):
    return binascii.hexlify(data).decode("ascii")


def text_bytes(s):
    return s.encode("utf-8") if PY2 else s.encode("utf-8", "surrogatepass")


def canon(obj):
    """A text that equal objects share on Python 2 and 3."""
    if obj is None or isinstance(obj, bool):
        return repr(obj)
    if isinstance(obj, INTS):
        return "int:%d" % obj
    if isinstance(obj, float):
        # A NaN by its bits but for its sign, which protocol 0's text ("nan")
        # does not carry and Python 2 reads as negative.
        bits = struct.pack("<d", abs(obj) if obj != obj else obj)
        return "float:" + hexed(bits)
    if isinstance(obj, complex):
        return "complex:%s,%s" % (canon(obj.real), canon(obj.imag))
    if isinstance(obj, TEXT):
        return "str:" + hexed(text_bytes(obj))
    if isinstance(obj, BYTES):
        return "bytes:" + hexed(obj)
    if isinstance(obj, bytearray):
        return "bytearray:" + hexed(bytes(obj))
    if isinstance(obj, collections.OrderedDict):
        return "OrderedDict[%s]" % ",".join(canon(k) + ":" + canon(v) for k, v in obj.items())
    if isinstance(obj, dict):
        return "{%s}" % ",".join(sorted(canon(k) + ":" + canon(v) for k, v in obj.items()))
    if isinstance(obj, collections.deque):
        return "deque[%s]%r" % (",".join(canon(i) for i in obj), obj.maxlen)
    if isinstance(obj, list):
        return "[%s]" % ",".join(canon(i) for i in obj)
    if isinstance(obj, tuple):
        return "(%s)" % ",".join(canon(i) for i in obj)
    if isinstance(obj, (set, frozenset)):
        return "%s{%s}" % (type(obj).__name__, ",".join(sorted(canon(i) for i in obj)))
    if isinstance(obj, datetime.timedelta):
        return "timedelta:%d,%d,%d" % (obj.days, obj.seconds, obj.microseconds)
    if isinstance(obj, (datetime.datetime, datetime.time)) and obj.tzinfo is not None:
        raise Lacks("datetime.timezone")
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return "%s:%s" % (type(obj).__name__, obj.isoformat())
    if isinstance(obj, decimal.Decimal):
        return "Decimal:%s" % obj
    if isinstance(obj, uuid.UUID):
        return "UUID:%s" % obj
    kind = type(obj)
    raise Lacks("%s.%s" % (kind.__module__, kind.__name__))


def outcome(data):
    try:
        obj = pickle.loads(data)
    except Exception as e:
        return "error: %s: %s" % (type(e).__name__, e)
    try:
        return canon(obj)
    except Lacks as e:
        if PY2:
            return "error: no canonical text for %s" % e
        return "lacks: %s" % e


def main():
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    rec = read_records(stdin.read())
    lines = []
    for i in range(0, len(rec), 3):
        name, proto, data = rec[i].decode("utf-8"), rec[i + 1].decode("ascii"), rec[i + 2]
        lines.append("%s\t%s\t%s" % (name, proto, outcome(data)))
    out = getattr(sys.stdout, "buffer", sys.stdout)
    out.write(("\n".join(lines) + "\n").encode("utf-8"))


if __name__ == "__main__":
    main()
