"""What pickletools.dis and pickletools.optimize make of each pickle.

Reads pickles as records on stdin and writes four records per pickle:

1. the text pickletools.dis printed (all of it, or what it printed before
   raising), UTF-8;
2. empty if dis succeeded, else "<exactness>\\n<offset>\\n<message>";
3. the bytes pickletools.optimize returned (empty if it raised);
4. empty if optimize succeeded, else "<exactness>\\n<message>".

<offset> is the position of the opcode pickletools was working on when it
raised: the last value genops got from tell(), which it asks right before
reading each opcode. <exactness> is "exact" when pickle_core reproduces the
message (the position prefix of genops' unknown-opcode message dropped, the
first letter lowercased) and "loose" when the message comes from Python
internals that pickle_core words in its own way (see LOOSE).

Usage: pickletools_oracle.py [--annotate N] [--indent N] < records
"""
import argparse
import io
import pickletools
import re
import sys

from records import read_records, write_records

# Messages pickle_core words differently, with why.
LOOSE = [
    # Codec errors name the codec and exact byte ranges; pickle_core says what
    # was wrong with the argument in its own words.
    re.compile(r"codec can't decode"),
    # Python's int/str digit limit message ends with advice about
    # sys.set_int_max_str_digits(), which does not apply to Rust.
    re.compile(r"^Exceeds the limit"),
    # pickletools' stack emulation runs off the bottom of its list when an
    # opcode popped a mark as an ordinary item (an IndexError).
    re.compile(r"^list index out of range$"),
    # optimize passes None to _Pickler.get() for a key read before any
    # store of it is written (a TypeError from comparing None with 256).
    re.compile(r"not supported between instances of"),
]


# pickle_core's disassembler prints what the pickletools of the CPython its
# tables come from (3.11, see tools/gen_tables.py) prints. Later versions
# changed one opcode doc, whose first line dis prints with annotate: 3.13
# corrected LONG4's "found-byte length". Here that doc is put back as the
# tables have it, so that the rest is compared on every version.
TABLE_DOCS = {
    "LONG4": ("Long integer using four-byte length.", "Long integer using found-byte length."),
}
for _op in pickletools.opcodes:
    if _op.name in TABLE_DOCS:
        newer, older = TABLE_DOCS[_op.name]
        _op.doc = _op.doc.replace(newer, older)


class TellTracker(io.BytesIO):
    """A BytesIO that remembers the last position genops asked for."""

    last_tell = 0

    def tell(self):
        self.last_tell = super().tell()
        return self.last_tell


def normalize(message):
    message = re.sub(r"^at position \d+, ", "", message)
    return message[:1].lower() + message[1:]


def exactness(message):
    return "loose" if any(p.search(message) for p in LOOSE) else "exact"


def disassemble(pickle, annotate, indent):
    out = io.StringIO()
    data = TellTracker(pickle)
    try:
        pickletools.dis(data, out=out, annotate=annotate, indentlevel=indent)
        error = b""
    except Exception as e:  # every exception pickletools lets through
        message = str(e)
        error = f"{exactness(message)}\n{data.last_tell}\n{normalize(message)}".encode()
    return out.getvalue().encode("utf-8"), error


def optimize(pickle):
    try:
        return pickletools.optimize(pickle), b""
    except Exception as e:
        message = str(e)
        return b"", f"{exactness(message)}\n{normalize(message)}".encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--annotate", type=int, default=0)
    parser.add_argument("--indent", type=int, default=4)
    parser.add_argument("--no-optimize", action="store_true")
    args = parser.parse_args()
    out = []
    for pickle in read_records(sys.stdin.buffer.read()):
        out.extend(disassemble(pickle, args.annotate, args.indent))
        out.extend((b"", b"") if args.no_optimize else optimize(pickle))
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
