"""Deep equality of loaded objects with expected ones, class by class."""
import enum


def state(obj):
    """An instance's attributes: its dict and its slots."""
    out = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()):
            if hasattr(obj, slot):
                out[slot] = getattr(obj, slot)
    return out


def same(a, b):
    """Deep equality that also requires the same classes everywhere: the
    same enum members, and instances with the same attributes."""
    if type(a) is not type(b):
        return False
    if isinstance(a, enum.Enum):
        return a is b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (set, frozenset, int, float, str, bytes, bytearray, type(None))):
        return a == b
    return same(state(a), state(b))
