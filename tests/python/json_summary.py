"""Reads `pickle-inspect scan --format json` from stdin (so it must be valid
JSON) and prints the overall verdict, then each file's path and verdict."""
import json
import sys

report = json.load(sys.stdin)
print(report["verdict"])
for f in report["files"]:
    print(f["path"], f["verdict"])
