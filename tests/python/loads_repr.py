"""Prints `repr(pickle.loads(p))` of each pickle `p` in the records on stdin,
a line each (classes are imported from this folder, `shop.models`...)."""
import pickle
import sys

from records import read_records

for data in read_records(sys.stdin.buffer.read()):
    print(repr(pickle.loads(data)))
