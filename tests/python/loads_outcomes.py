"""What `pickle.loads` (the C unpickler) makes of the inputs of one group of
`agreement_inputs.py` (`text`: the text arguments that name no global;
`sets`: the set operations). Prints records (label, pickle, kind, value),
where kind is `bool`, `int`, `float`, `str`, `ints` (a set or frozenset of
ints) or `error`, and value is the int in decimal, the float's IEEE 754 bits
as 16 hex digits, the string in UTF-8, or the ints sorted, comma-separated
(empty for an error)."""
import pickle
import struct
import sys

from agreement_inputs import set_operations, text_arguments
from records import write_records


def described(value):
    if isinstance(value, bool):
        return "bool", str(value)
    if isinstance(value, int):
        return "int", str(value)
    if isinstance(value, float):
        return "float", struct.pack(">d", value).hex()
    if isinstance(value, str):
        return "str", value
    if isinstance(value, (set, frozenset)) and all(type(i) is int for i in value):
        return "ints", ",".join(str(i) for i in sorted(value))
    return None


def inputs(group):
    if group == "sets":
        return set_operations()
    return (
        (label, data)
        for label, data in text_arguments()
        if not label.startswith(("GLOBAL", "INST", "PERSID"))
    )


def main():
    out = []
    for label, data in inputs(sys.argv[1]):
        try:
            kind_value = described(pickle.loads(data))
        except Exception:
            kind_value = ("error", "")
        if kind_value is None:
            continue
        kind, value = kind_value
        out += [label.encode(), data, kind.encode(), value.encode("utf-8", "surrogatepass")]
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
