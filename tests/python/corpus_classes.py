"""Classes whose instances the round-trip corpus pickles, one of each kind
CPython pickles differently."""
import collections
import dataclasses
import enum


class Plain:
    def __init__(self, a, b):
        self.a = a
        self.b = b


@dataclasses.dataclass
class Data:
    id: int
    name: str
    tags: list


@dataclasses.dataclass(frozen=True)
class Frozen:
    x: int
    y: float


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self, x, y):
        self.x = x
        self.y = y


class SlottedWithDict:
    __slots__ = ("x", "__dict__")

    def __init__(self, x, extra):
        self.x = x
        self.extra = extra


Pair = collections.namedtuple("Pair", ["left", "right"])


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


class Level(enum.IntEnum):
    LOW = 10
    HIGH = 20


class Money:
    def __init__(self, amount, currency):
        self.amount = amount
        self.currency = currency

    def __reduce__(self):
        return (Money, (self.amount, self.currency))


class Custom:
    """Has its own `__getstate__`/`__setstate__`: the state is a tuple."""

    def __init__(self, v):
        self.v = v

    def __getstate__(self):
        return (self.v, "extra")

    def __setstate__(self, state):
        self.v = state[0]


class Outer:
    class Inner:
        def __init__(self, v):
            self.v = v


class MyList(list):
    pass


class MyDict(dict):
    pass
