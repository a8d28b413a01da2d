"""Pickles that typed decoding must refuse, and where: for each case, the
object and a function that finds, in the pickle CPython writes for it, the
offset of the opcode the error must point at."""
import os
import pickletools

from shop.cases import item, order, s
from shop.models import Item, Money, Status


def ops(data):
    return list(pickletools.genops(data))


def arg_is(value):
    """The first opcode whose argument is `value`."""
    return lambda data: next(pos for op, arg, pos in ops(data) if arg == value and type(arg) is type(value))


def last(name):
    return lambda data: [pos for op, arg, pos in ops(data) if op.name == name][-1]


def first_of(*names):
    return lambda data: next(pos for op, arg, pos in ops(data) if op.name in names)


def global_op(module, name):
    """The GLOBAL (or STACK_GLOBAL after the name's string) that loads `module.name`."""

    def locate(data):
        seen_name = False
        for op, arg, pos in ops(data):
            if op.name == "GLOBAL" and arg == f"{module} {name}":
                return pos
            seen_name = seen_name or arg == name
            if op.name == "STACK_GLOBAL" and seen_name:
                return pos
        raise LookupError(f"no global {module}.{name}")

    return locate


class Call:
    """An object that pickles as `func(*args)`, as a hostile pickle would."""

    def __init__(self, func, *args):
        self.func, self.args = func, args

    def __reduce__(self):
        return (self.func, self.args)


class Call2:
    """An object that pickles as its `__reduce__` value `parts` says."""

    def __init__(self, *parts):
        self.parts = parts

    def __reduce__(self):
        return self.parts


def bad_price():
    o = order(1, Status.NEW, items=4)
    o.items[3].price = s("oops")
    return o


def missing_price():
    it = Item.__new__(Item)
    it.sku = s("sku-9")
    it.qty = 9
    return it


def big_qty():
    it = item(1)
    it.qty = 2**40
    return it


def colored():
    it = item(1)
    it.color = s("red")
    return it


def global_note():
    o = order(1, Status.NEW, items=0)
    o.note = os.system
    return o


SYSTEM = f"{os.system.__module__}.{os.system.__name__}"

# name: (object, locator of the expected offset, text the message must hold)
CASES = {
    "bad_price": (bad_price, arg_is("oops"), "expected a float, found `str`"),
    "system_call": (lambda: Call(os.system, s("echo hi")), last("REDUCE"), f"`{SYSTEM}`"),
    "wrong_class": (lambda: [item(0), Money(1, s("EUR"))], last("REDUCE"), "`shop.models.Money`"),
    "missing_price": (missing_price, first_of("NEWOBJ", "REDUCE"), "missing field `price` of `shop.models.Item`"),
    "big_qty": (big_qty, arg_is(2**40), "does not fit in `u32`"),
    "unknown_member": (lambda: Call(Status, 9), arg_is(9), "9 is not a member of `shop.models.Status`"),
    # A member by name, as CPython 3.11.0-3.11.3 write every member.
    "unknown_member_name": (
        lambda: Call(getattr, Status, s("GONE")),
        arg_is("GONE"),
        "`GONE` is not a member of `shop.models.Status`",
    ),
    "unknown_field": (colored, arg_is("color"), "unknown field `color` of `shop.models.Item`"),
    # Shapes that hold what the Rust type cannot: refused, not dropped.
    "item_with_entries": (
        lambda: Call2(Item, (s("sku-1"), 1, 1.5), None, None, iter([(s("key"), 1)])),
        first_of("REDUCE"),
        "expected an instance of `shop.models.Item`, found one given items or entries",
    ),
    "member_with_state": (
        lambda: Call2(Status, (1,), {"x": 1}),
        first_of("REDUCE"),
        "expected a member of `shop.models.Status`",
    ),
    "global_note": (global_note, global_op(os.system.__module__, "system"), f"`{SYSTEM}`"),
}
