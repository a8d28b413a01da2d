"""Checks Rust's re-encodings of the corpus: reads records (name, protocol,
original, ours) on stdin and prints one line per failure, then a summary.

A re-encoding passes when CPython's unpickler loads it (with stand-ins for
globals) to an object deep-equal to what the original loads to, sharing
included, and when it loads with the real classes too. Byte identity with the
original is counted separately."""
import json
import pickle
import sys

import harness
from records import read_records


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = identical = 0
    failures = []
    for i in range(0, len(rec), 4):
        name, proto, original, ours = rec[i].decode(), rec[i + 1][0], rec[i + 2], rec[i + 3]
        total += 1
        label = f"{name} @ protocol {proto}"
        if ours.startswith(b"ERROR: "):
            failures.append(f"{label}: rust failed: {ours[7:].decode()}")
            continue
        if ours == original:
            identical += 1
        else:
            failures.append(f"{label}: not byte-identical")
        try:
            expected, got = harness.load(original), harness.load(ours)
        except Exception as e:
            failures.append(f"{label}: stand-in load failed: {e!r}")
            continue
        if not harness.deep_equal(expected, got):
            failures.append(f"{label}: loads to a different object")
            continue
        try:
            pickle.loads(ours)
        except Exception as e:
            failures.append(f"{label}: real load failed: {e!r}")
    for f in failures:
        print(f)
    print(json.dumps({"total": total, "identical": identical, "failures": len(failures)}))


if __name__ == "__main__":
    main()
