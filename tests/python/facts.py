"""Facts about the CPython under test that some expectations depend on.

`facts.py NAME` prints the fact:

ipv6_scope_id: how `pickle.dumps` holds an IPv6 address with a scope id:
    `text` (its `__reduce__` gives the text, scope id included), `int` (it
    gives the int, without the scope id) or `unsupported` (this version does
    not parse scope ids)."""
import ipaddress
import sys


def ipv6_scope_id():
    try:
        address = ipaddress.IPv6Address("fe80::1%eth0")
    except ValueError:
        return "unsupported"
    arg = address.__reduce__()[1][0]
    return "text" if isinstance(arg, str) else "int"


if __name__ == "__main__":
    print({"ipv6_scope_id": ipv6_scope_id}[sys.argv[1]]())
