"""Writes to stdout pickle.dumps(records, 4) of N small dicts (argv[1]): an
opcode-heavy pickle, every dict and string memoized."""
import pickle
import sys

n = int(sys.argv[1])
records = [
    {"id": i, "name": f"user{i}", "score": i * 0.5, "tags": ["a", f"t{i % 100}"], "active": i % 2 == 0, "ref": (i, str(i))}
    for i in range(n)
]
sys.stdout.buffer.write(pickle.dumps(records, protocol=4))
