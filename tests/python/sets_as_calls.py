"""Sets and frozensets as protocols 2 and 3 write them: a call of
`builtins.set` (or `frozenset`) on a list, `GLOBAL list TUPLE1 REDUCE`.

Writes records: protocol, pickle of {1, 2, 3}, pickle of a frozenset of
five strings."""
import pickle
import sys

from records import write_records
from shop.cases import s

out = []
for proto in (2, 3):
    out += [
        str(proto).encode(),
        pickle.dumps({1, 2, 3}, protocol=proto),
        pickle.dumps(frozenset(s(f"tag{i}") for i in range(5)), protocol=proto),
    ]
sys.stdout.buffer.write(write_records(out))
