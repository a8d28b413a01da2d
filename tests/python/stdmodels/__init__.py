"""Dataclasses whose fields are Python's standard types, for the derive
tests of tests/stdtypes_write.rs and tests/stdtypes_read.rs."""
import collections
import dataclasses
import datetime
import decimal
import ipaddress
import uuid


@dataclasses.dataclass
class Event:
    """Fields of types that need no feature."""
    elapsed: datetime.timedelta
    host: ipaddress.IPv4Address
    peer: object  # IPv4Address or IPv6Address
    recent: collections.deque
    headers: collections.OrderedDict
    flags: frozenset
    raw: bytearray


@dataclasses.dataclass
class Payment:
    """Fields of the optional features' types."""
    id: uuid.UUID
    amount: decimal.Decimal
    created: datetime.datetime  # aware, UTC
    updated: datetime.datetime  # aware, UTC
    local: datetime.datetime  # aware, fixed offset
    booked: datetime.date
    at: datetime.time
    naive: datetime.datetime
    grace: datetime.timedelta
    big: int
    z: complex
    meta: dict
    tags: set


class Raw:
    """Pickles as `cls(*args)`, then `items` appended, whatever the
    arguments: forms that CPython's own classes never write (a date of year
    0, a deque given more items than its maxlen, a date from ints), to check
    that reading treats them as CPython's unpickler does."""

    def __init__(self, cls, *args, items=None):
        self.cls, self.args, self.items = cls, args, items

    def __reduce__(self):
        if self.items is None:
            return self.cls, self.args
        return self.cls, self.args, None, iter(self.items)


class Zone(datetime.tzinfo):
    """A tzinfo that is no `datetime.timezone`."""

    def utcoffset(self, dt):
        return datetime.timedelta(hours=1)

    def __reduce__(self):
        return Zone, ()


def uuid_with_int(n):
    """A `uuid.UUID` whose `int` is `n`, even beyond 128 bits."""
    u = uuid.UUID(int=0)
    object.__setattr__(u, "int", n)
    return u
