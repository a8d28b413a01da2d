"""Classes for tests/python/container_calls.py, importable by Python 2.7 and 3."""


class Tally(dict):
    """A dict subclass: protocols 0 and 1 write its entries as an argument
    of `copyreg._reconstructor`, later ones as `SETITEMS`."""
