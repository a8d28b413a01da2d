"""The Python objects of the cases in tests/stubs.rs, built through the
constructors of the classes generated from tests/market/mod.rs (imported
from the generated package, which must be on sys.path). Type-checked with
`mypy --strict` together with that package.

Strings and bytes are made fresh (`s`, `b`) so that no two values share an
object unless they do in Rust: CPython memoizes by identity."""
from typing import Any, Callable, Dict, List

from market.common import Address, Audit, Level, Money, Mood, Tag
from market.models import (
    Category, Circle, Client, Empty, Just, Maybe, Nothing, Order, Pair, Poly,
    Rect, Shape, Square, Wrapper,
)


def s(text: str) -> str:
    """A new str object equal to `text` (at least two characters long)."""
    assert len(text) >= 2, "CPython shares empty and one-character strings"
    return text[:1] + text[1:]


def b(data: bytes) -> bytes:
    """A new bytes object equal to `data` (at least two bytes long)."""
    assert len(data) >= 2, "CPython shares empty and one-byte bytes"
    return bytes(bytearray(data))


def money() -> Money:
    return Money(1999, s("EUR"))


def address(zip: bool = True) -> Address:
    return Address(s("Main St 1"), s("Springfield"), s("12345") if zip else None)


def customer() -> Client:
    return Client(
        name=s("Ada"),
        emailAddress=s("ada@example.com"),
        displayName=s("Ada L."),
        vip=True,
        address=address(),
    )


def shapes() -> List[Shape]:
    return [
        Circle(1.5),
        Square(2.0),
        Rect(3.0, 4.0),
        Poly([(0.0, 0.0), (1.0, 0.5)]),
        Empty(),
    ]


def category() -> Category:
    return Category(s("root"), [Category(s("leaf"), []), Category(s("branch"), [Category(s("twig"), [])])])


def maybes() -> List[Maybe[int]]:
    return [Just(5), Nothing(), Just(-7)]


def order() -> Order:
    return Order(
        id=42,
        customer=customer(),
        tags=[Tag(s("red"), 3), Tag(s("big"), 200)],
        total=money(),
        ship_to=address(zip=False),
        dims=(1.5, 2.25, -3),
        attrs={s("height"): 10, s("width"): 20},
        owners={7: s("seven"), 42: s("forty-two")},
        codes={s("A1")},
        level=Level.HIGH,
        mood=Mood.MEH,
        shapes=shapes(),
        boxed=Wrapper([Tag(s("in"), 1)], s("boxed tags")),
        counted=Wrapper(12, s("count")),
        pair=Pair(s("left"), s("right")),
        maybe=Just(Money(5, s("USD"))),
        settings={"theme": s("dark"), "size": 14},
        digest=b(b"\x00\x01\xfe\xff"),
        blob=b(b"blob"),
        buffer=bytearray(b"buf"),
        elapsed=1.5,
        waited=0.25,
        audit=Audit(by=customer(), at=1700000000),
        category=category(),
        extra=7,
    )


CASES: Dict[str, Callable[[], Any]] = {
    "money": money,
    "address": address,
    "address_no_zip": lambda: address(zip=False),
    "tag": lambda: Tag(s("red"), 3),
    "levels": lambda: [Level.LOW, Level.HIGH, Level.LOW],
    "moods": lambda: [Mood.HAPPY, Mood.MEH],
    "customer": customer,
    "shapes": shapes,
    "wrapper": lambda: Wrapper([Tag(s("in"), 1), Tag(s("out"), 2)], s("tags")),
    "pair": lambda: Pair(s("left"), s("right")),
    "maybes": maybes,
    "category": category,
    "audit": lambda: Audit(customer(), 5),
    "order": order,
}
