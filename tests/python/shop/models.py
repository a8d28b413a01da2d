"""One class per kind the derive writes: dataclass, plain class, __slots__,
namedtuple, __reduce__, Enum, IntEnum, and one class per variant of a data
enum. The Rust side is tests/shop/mod.rs."""
import enum
from collections import namedtuple
from dataclasses import dataclass
from typing import Optional


class Status(enum.Enum):
    NEW = 1
    PAID = 2
    SHIPPED = 3


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"
    MEH = "so so"


class Priority(enum.IntEnum):
    LOW = 0
    HIGH = 1
    URGENT = 2


@dataclass
class Item:
    sku: str
    qty: int
    price: float


@dataclass
class Order:
    id: int
    customer: str
    price: float
    tags: list
    note: Optional[str]
    items: list
    status: Status


@dataclass
class Sample:
    n: int
    label: str
    ratio: float
    parts: list
    ok: bool
    big: int
    note: Optional[str]
    small: float


class CustomerV2:
    """A plain class: its instance dict is its state."""

    def __init__(self, name, emailAddress, vip):
        self.name = name
        self.emailAddress = emailAddress
        self.vip = vip


class Slotted:
    __slots__ = ("a", "b")

    def __init__(self, a, b):
        self.a = a
        self.b = b


Pair = namedtuple("Pair", ["left", "right"])
Coord = namedtuple("Coord", ["f0", "f1"])


class Money:
    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency

    def __reduce__(self):
        return (Money, (self.amount, self.currency))


@dataclass
class Circle:
    radius: float


Square = namedtuple("Square", ["f0"])


class Rect:
    __slots__ = ("w", "h")

    def __init__(self, w, h):
        self.w = w
        self.h = h


class Empty:
    pass


@dataclass
class Profile:
    displayName: str
    createdAt: int
    mood: Mood
    priority: Priority


@dataclass
class Wrapper:
    value: object
    label: str


@dataclass
class Blob:
    data: bytes
    digest: bytes
    extra: Optional[bytes]


class Marker:
    pass


@dataclass
class Timed:
    label: str
    elapsed: float


@dataclass
class Catalog:
    orders: dict
    owners: dict
    shapes: list
    settings: dict
    boxed: Wrapper


@dataclass
class OneChar:
    """Attribute names of one character, as some values are."""

    a: int
    s: str


class Outer:
    """Holds a nested class, which pickles by its qualified name."""

    @dataclass
    class Inner:
        v: int


@dataclass(frozen=True)
class FrozenItem:
    """Read as an `Item` through its alias."""

    sku: str
    qty: int
    price: float
