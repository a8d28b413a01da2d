"""Checks the shop orders written after a string of k bytes, for many k:
each pickle must equal, byte for byte, what pickle.dumps writes for the same
object, so that frames are committed at every kind of place in a record.

stdin: records k, protocol, pickle (repeated). stdout: one line per pickle,
"ok" or what differed."""
import sys

import pickle
from records import read_records
from shop.cases import bulk_orders


def main():
    records = read_records(sys.stdin.buffer.read())
    orders = bulk_orders()[:600]
    for i in range(0, len(records), 3):
        k, proto, data = int(records[i]), int(records[i + 1]), records[i + 2]
        # A new str object (CPython shares one-character strings).
        pad = "".join(["p"] * k)
        if pickle.dumps((pad, orders), protocol=proto) == data:
            print("ok")
        else:
            print(f"orders after {k} bytes at protocol {proto}: differs")


main()
