"""Compares pickle-core's reading with CPython's on the agreement inputs.

Reads records (label, input, outcome, payload) on stdin, where outcome is
b"ok" (payload: Rust's re-encoding of the decoded Value) or b"err" (payload:
the error kind and message). For each input, CPython's unpickler (with
stand-ins for globals) either fails, and Rust must have failed too, or
succeeds, and Rust's re-encoding must load to a deep-equal object.

The deliberate differences are listed in DIFFERENCES; each must still occur
exactly as described (so the list cannot go stale).

`pickle.loads` runs the C unpickler, which is the reference here. On the
text-argument inputs the pure-Python `pickle._Unpickler` is run too: where the
two disagree (a NUL ends some lines for the C one; `int()` and `float()` refuse
it), pickle-core follows the C one, and each such input is printed as a
`note:` line, so the list of those differences stays in view.

Prints mismatches, the notes, then a JSON summary."""
import json
import sys

import harness
from records import read_records

# Each deliberate difference: which inputs it covers, what CPython does,
# what pickle-core does (an error kind, or "loads"), and why.
DIFFERENCES = [
    (
        "depth",
        lambda label, data: label.startswith("hostile: 200k nested"),
        "loads",
        "DepthLimit",
        "values nest deeper than the depth limit (1000 by default)",
    ),
    (
        "marks",
        lambda label, data: label == "hostile: 1M marks then None",
        "loads",
        "MarkLimit",
        "more marks open at once than the mark limit (1000 by default)",
    ),
    (
        "sparse memo",
        lambda label, data: b"r\xff\xff\xff\xff" in data and data.endswith(b"."),
        "fails",
        "loads",
        "CPython's C unpickler grows its memo array up to the index (LONG_BINPUT "
        "0xffffffff) and runs out of memory; pickle-core keeps a sparse index in a "
        "map, as pickle.py does",
    ),
]


def cpython(data):
    try:
        return "loads", harness.load(data)
    except RecursionError as e:
        return "fails", e
    except Exception as e:
        return "fails", e


def pure(data):
    try:
        return "loads", harness.load_pure(data)
    except RecursionError as e:
        return "fails", e
    except Exception as e:
        return "fails", e


def c_and_pure_differ(data, theirs, loaded):
    """Whether the pure-Python unpickler disagrees with the C one on `data`,
    and what it does."""
    outcome, value = pure(data)
    if outcome != theirs:
        return True, outcome, value
    return outcome == "loads" and not harness.deep_equal(loaded, value), outcome, value


def shown(outcome, value):
    """What an unpickler did, briefly: the value loaded, or the exception's type."""
    return repr(value) if outcome == "loads" else type(value).__name__


def main():
    rec = read_records(sys.stdin.buffer.read())
    total = agreed = 0
    mismatches, seen_differences, notes = [], set(), []
    for i in range(0, len(rec), 4):
        label, data, outcome, payload = rec[i].decode(), rec[i + 1], rec[i + 2].decode(), rec[i + 3]
        total += 1
        theirs, loaded = cpython(data)
        if label.startswith("text argument:"):
            differ, pure_outcome, pure_value = c_and_pure_differ(data, theirs, loaded)
            if differ:
                notes.append(
                    f"note: {label}: C {theirs} {shown(theirs, loaded)}, "
                    f"pure-Python {pure_outcome} {shown(pure_outcome, pure_value)}"
                )
        difference = next((d for d in DIFFERENCES if d[1](label, data)), None)
        if difference is not None:
            name, _, expected_cpython, expected_rust, _ = difference
            rust = "loads" if outcome == "ok" else payload.decode().split(":", 1)[0]
            if (theirs, rust) == (expected_cpython, expected_rust):
                seen_differences.add(name)
                agreed += 1
                continue
            if (theirs == "fails") == (outcome == "err"):
                # Both fail or both load: no difference after all; check as usual.
                pass
            else:
                mismatches.append(f"{label}: expected the `{name}` difference, got CPython {theirs}, Rust {rust}")
                continue
        if theirs == "fails" and outcome == "err":
            agreed += 1
        elif theirs == "fails":
            mismatches.append(f"{label}: CPython fails ({loaded!r}) but Rust decodes")
        elif outcome == "err":
            mismatches.append(f"{label}: CPython loads but Rust fails: {payload.decode()}")
        else:
            try:
                ours = harness.load(payload)
            except Exception as e:
                mismatches.append(f"{label}: Rust's re-encoding does not load: {e!r}")
                continue
            if harness.deep_equal(loaded, ours):
                agreed += 1
            else:
                mismatches.append(f"{label}: Rust's re-encoding loads to a different object")
    for name in sorted({d[0] for d in DIFFERENCES} - seen_differences):
        mismatches.append(f"`{name}`: documented difference did not occur")
    for m in mismatches:
        print(m)
    for n in notes:
        print(n)
    print(json.dumps({"total": total, "agreed": agreed, "mismatches": len(mismatches),
                      "c_and_pure_differ": len(notes)}))


if __name__ == "__main__":
    main()
