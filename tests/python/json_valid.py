"""Checks that each record on stdin is one valid JSON document (as Python's
json module reads it, lone-surrogate escapes included); prints the count."""
import json
import sys

from records import read_records

docs = read_records(sys.stdin.buffer.read())
for doc in docs:
    json.loads(doc.decode("utf-8"))
print(len(docs))
