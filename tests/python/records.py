"""Length-prefixed records, the format tests/common/mod.rs reads and writes."""
import struct


def read_records(data):
    out, pos = [], 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        out.append(data[pos + 4 : pos + 4 + n])
        pos += 4 + n
    return out


def write_records(records):
    return b"".join(struct.pack("<I", len(r)) + r for r in records)
