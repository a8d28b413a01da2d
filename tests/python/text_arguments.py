"""What `pickle.loads` (the C unpickler) makes of the text-argument inputs of
`agreement_inputs.py` that hold no global: records (label, pickle, kind,
value), where kind is `bool`, `int`, `float`, `str` or `error`, and value is
the int in decimal, the float's IEEE 754 bits as 16 hex digits, or the
string in UTF-8 (empty for an error)."""
import pickle
import struct
import sys

from agreement_inputs import text_arguments
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
    return None


def main():
    out = []
    for label, data in text_arguments():
        if label.startswith(("GLOBAL", "INST", "PERSID")):
            continue
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
