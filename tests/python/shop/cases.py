"""The Python objects equal to the Rust values of tests/shop/cases.rs, case
by case. Strings are made fresh (`s`) so that no two values share an object
unless they do in Rust: CPython memoizes by identity, and the compiler
shares and interns equal constants."""
from shop.models import (
    Blob, Catalog, Circle, Coord, CustomerV2, Empty, Item, Marker, Money, Mood, OneChar,
    Order, Outer, Pair, Priority, Profile, Rect, Sample, Slotted, Square, Status, Timed, Wrapper,
)


def s(text):
    """A new str object equal to `text` (at least two characters long)."""
    assert len(text) >= 2, "CPython shares empty and one-character strings"
    return text[:1] + text[1:]


def item(n):
    return Item(s(f"sku-{n}"), n, n + 0.25)


def order(n, status, items=2, note=True):
    return Order(
        id=n,
        customer=s(f"customer {n}"),
        price=n * 10.5,
        tags=[s("gift"), s(f"tag{n}")],
        note=s(f"note {n}") if note else None,
        items=[item(n * 100 + i) for i in range(items)],
        status=status,
    )


def bulk_orders():
    statuses = [Status.NEW, Status.PAID, Status.SHIPPED]
    orders = []
    for n in range(1500):
        o = order(n, statuses[n % 3], items=n % 4, note=n % 3 != 0)
        o.tags = o.tags[:n % 3]
        orders.append(o)
    return orders


def sample(n):
    """Sample `n` of "samples", as `sample` in tests/shop/cases.rs makes it."""
    k = n % 11
    if k == 0:
        label = str()
    elif k == 1:
        label = chr(120)
    elif k == 2:
        label = chr(0xE9)
    elif k == 3:
        label = chr(0x20AC)  # a new object: only latin-1 characters are shared
    else:
        text = ("abcdefghij" * 31)[: n * 37 % 301]
        label = s(text) if len(text) > 1 else text
    ints = [n, -n, n << 33, -(n << 40) - 1, 2**63 - 1 - n]
    return Sample(
        n=ints[n % 5],
        label=label,
        ratio=n * 0.5 - 7.25,
        parts=[[s(f"p{n}_{i}_{j}") for j in range(n % 3)] for i in range(n % 4)],
        ok=n % 2 == 0,
        big=2**64 - 1 - n if n % 3 == 0 else n,
        note=None if n % 3 == 1 else s(f"note {n}"),
        small=n * 0.5,
    )


def customer(n):
    return CustomerV2(s(f"name {n}"), s(f"user{n}@example.com"), n % 2 == 0)


def settings():
    return {"theme": s("dark"), "font_size": 14}


def catalog():
    return Catalog(
        orders={s("first"): order(1, Status.PAID), s("second"): order(2, Status.PAID, note=False)},
        owners={7: customer(7), 42: customer(42)},
        shapes=[Circle(1.5), Square(2.0), Rect(3.0, 4.0), Empty()],
        settings=settings(),
        boxed=Wrapper([Pair(1, s("one")), Pair(2, s("two"))], s("pairs")),
    )


CASES = {
    "item": lambda: item(1),
    "order": lambda: order(1, Status.NEW),
    "order_empty": lambda: Order(5, s("nobody"), 0.0, [], None, [], Status.SHIPPED),
    "orders": lambda: [order(1, Status.PAID), order(2, Status.PAID), order(3, Status.NEW)],
    "customer": lambda: customer(3),
    "slotted": lambda: Slotted(-5, s("slots")),
    "pair": lambda: Pair(10, s("ten")),
    # Attribute values of every length up to 17 bytes, one- to four-byte UTF-8.
    "pairs_by_length": lambda: [
        Pair(n, "".join(list(t)) if len(t) > 1 else t)
        for n, t in enumerate(
            ["abcdefghijklmnopq"[:n] for n in range(18)]
            + ["\u00e9" * k for k in range(1, 9)]
            + ["\u20ac" * k for k in range(1, 6)]
            + ["\U0001f600" * k for k in range(1, 5)]
        )
    ],
    # "" and one-character strings below U+0100 are one object each in CPython.
    "pairs_one_object": lambda: [Pair(1, chr(120)), Pair(2, chr(120)), Pair(3, str()), Pair(4, str())],
    # An attribute name of one such character is that object too, in the
    # versions that keep one object of each (not 3.11 and 3.12): values
    # equal to a name, written before and after it.
    "one_char_values": lambda: (chr(97), [OneChar(1, chr(97)), OneChar(2, chr(115))]),
    "coord": lambda: Coord(1.5, -2.5),
    # A nested class: `getattr(Outer, 'Inner')` below protocol 4.
    "nested": lambda: [Outer.Inner(4), Outer.Inner(5)],
    "money": lambda: Money(1999, s("EUR")),
    "moods": lambda: [Mood.HAPPY, Mood.SAD, Mood.MEH, Mood.HAPPY, Mood.MEH],
    "priorities": lambda: [Priority.URGENT, Priority.LOW, Priority.HIGH, Priority.LOW],
    "statuses": lambda: [Status.SHIPPED, Status.NEW, Status.SHIPPED],
    "shapes": lambda: [Circle(1.0), Square(2.0), Rect(3.0, 4.0), Empty(), Circle(5.0), Empty()],
    "profile": lambda: Profile(s("Ada L."), 1_700_000_000, Mood.MEH, Priority.HIGH),
    "settings": settings,
    "user_ids": lambda: [1, 2**40, -3],
    "wrapper_int": lambda: Wrapper(7, s("seven")),
    "blobs": lambda: [
        Blob(bytes(range(256)), bytes([0, 255, 16, 128]), bytes([1, 2, 3])),
        Blob(b"ab" * 300, bytes([9, 8, 7, 6]), None),
    ],
    "marker": lambda: [Marker(), Marker()],
    "timed": lambda: Timed(s("boot"), 1.25),
    "catalog": catalog,
    "optional_items": lambda: [item(1), None, item(2)],
    "items_by_sku": lambda: {s("sku-a"): item(1), s("sku-b"): item(2)},
    "many_items": lambda: [item(i) for i in range(2500)],
    "bulk_orders": lambda: bulk_orders(),
    "bulk_orders_late": lambda: ([s(f"pad{i}") for i in range(300)], bulk_orders()),
    "samples": lambda: [sample(n) for n in range(3000)],
}


def _read_cases():
    """Objects only read by Rust: sharing, old names, missing and extra
    attributes, other Python types that Rust types accept."""
    from shop import legacy
    from shop.models import FrozenItem

    def shared_items():
        it = item(1)
        return [it, it, it]

    def shared_orders():
        o = order(1, Status.PAID)
        return {s("aa"): o, s("bb"): o}

    def item_with_color():
        it = item(1)
        it.color = s("red")
        return it

    def blob_bytearray():
        return Blob(bytearray(b"xyz"), bytes([1, 2, 3, 4]), bytearray(b"ab"))

    def orders_sharing(customers, n, late=False):
        """`n` orders whose customers are `customers` string objects in
        turn, so that CPython writes each after its first as a memo `GET`;
        with `late`, one more order, whose customer is the first order's."""
        names = [s(f"customer {i}") for i in range(customers)]
        orders = [order(k, Status.NEW, items=0, note=False) for k in range(n)]
        for k, o in enumerate(orders):
            o.customer = names[k % customers]
        if late:
            orders.append(order(n, Status.NEW, items=0, note=False))
            orders[-1].customer = orders[0].customer
        return orders

    def orders_late_member(n):
        """`n` new orders, then two shipped ones: the enum member first
        appears late, and the second is a memo `GET` of it."""
        return [order(k, Status.SHIPPED if k >= n else Status.NEW, items=0, note=False)
                for k in range(n + 2)]

    class ByName:
        """Pickles as `getattr(cls, 'NAME')`, as CPython 3.11.0-3.11.3
        pickle every enum member (`Enum.__reduce_ex__`)."""

        def __init__(self, member):
            self.member = member

        def __reduce__(self):
            return getattr, (type(self.member), self.member.name)

    def by_name(*members):
        """The members by name, each one object however often it appears,
        as the members themselves are."""
        one = {m: ByName(m) for m in set(members)}
        return [one[m] for m in members]

    def names_then_shuffled(n):
        """`n` strings, then each again (memo `GET`s) in a scattered order."""
        names = [s(f"name {i}") for i in range(n)]
        return names + [names[i * 7919 % n] for i in range(n)]

    return {
        "names_then_shuffled": lambda: names_then_shuffled(3000),
        "orders_late_member": lambda: orders_late_member(2000),
        "orders_sharing_few": lambda: orders_sharing(3, 300),
        "orders_sharing_many": lambda: orders_sharing(40, 300),
        "orders_sharing_late": lambda: orders_sharing(2000, 2000, late=True),
        "statuses_by_name": lambda: by_name(Status.SHIPPED, Status.NEW, Status.SHIPPED),
        "moods_by_name": lambda: by_name(Mood.HAPPY, Mood.MEH, Priority.URGENT),
        "shared_items": shared_items,
        "shared_orders": shared_orders,
        "legacy_order": lambda: legacy.Order(1, s("customer 1"), 10.5, [s("gift"), s("tag1")],
                                             s("note 1"), [item(100), item(101)], Status.NEW),
        "frozen_item": lambda: FrozenItem(s("sku-1"), 1, 1.25),
        "legacy_customer": lambda: legacy.Customer(s("name 3"), s("user3@example.com")),
        "item_with_color": item_with_color,
        "strict_item": lambda: item(1),
        "wrapper_set": lambda: Wrapper({s("ab"), s("cd")}, s("set")),
        "item_int_price": lambda: Item(s("sku-1"), 1, 2),
        "blob_bytearray": blob_bytearray,
        "pair_tuple_of_instances": lambda: (Pair(1, s("one")), Coord(0.5, 1.5)),
    }


READ_CASES = _read_cases()
