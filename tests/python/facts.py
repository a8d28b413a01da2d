"""Facts about the CPython under test that some expectations depend on.

`facts.py NAME` prints the fact:

ipv6_scope_id: how `pickle.dumps` holds an IPv6 address with a scope id:
    `text` (its `__reduce__` gives the text, scope id included), `int` (it
    gives the int, without the scope id) or `unsupported` (this version does
    not parse scope ids).
os_system: the `module.name` a pickle gives `os.system` (`posix.system` on
    Unix)."""
import ipaddress
import os
import pickle
import sys


def ipv6_scope_id():
    try:
        address = ipaddress.IPv6Address("fe80::1%eth0")
    except ValueError:
        return "unsupported"
    arg = address.__reduce__()[1][0]
    return "text" if isinstance(arg, str) else "int"


def os_system():
    return "%s.%s" % (pickle.whichmodule(os.system, "system"), os.system.__qualname__)


if __name__ == "__main__":
    facts = {"ipv6_scope_id": ipv6_scope_id, "os_system": os_system}
    print(facts[sys.argv[1]]())
