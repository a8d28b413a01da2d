"""CPython's side of `cargo run --release --example bench`.

Builds each workload as Python objects, writes CPython's protocol-5 pickle of
it to DIR/<name>.pkl (Rust decodes those, and checks its own encoding against
them), times `pickle.dumps` and `pickle.loads` (REPEAT runs each), and
prints every run's time as JSON."""
import json
import os
import pickle
import sys
import time

from bench_models import Order

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def records(n=200_000):
    return [
        Order(
            id=i,
            customer=f"customer{i % 1000}",
            price=i * 0.25,
            tags=[f"t{i % 7}", f"u{i % 5}"],
            note=None if i % 3 else f"note {i}",
        )
        for i in range(n)
    ]


def dict_tree(groups=30, sections=50, items=30):
    """45,000 dict-shaped items in a two-level dict of lists (keys in
    sorted order, as a Rust `BTreeMap` writes them)."""
    return {
        f"group{g:02}": {
            f"section{s:02}": [
                {
                    "id": (g * sections + s) * items + i,
                    "name": f"item {g}.{s}.{i}",
                    "score": i * 0.5,
                    "tags": [f"t{i % 5}", f"u{i % 3}"],
                    "counts": [i, i + 1, i + 2],
                    "weights": [i * 0.25, i * 0.125],
                }
                for i in range(items)
            ]
            for s in range(sections)
        }
        for g in range(groups)
    }


def workloads():
    return {
        "records": records(),
        # The same records as the values of a dict, by id.
        "records_by_id": dict(enumerate(records())),
        "ints": [i % 1000 for i in range(1_000_000)],
        "strings": [f"s{i}" for i in range(100_000)],
        "bytes": bytes(range(256)) * (10 * 1024 * 1024 // 256),
        "floats": [[i * 50 + j + 0.5 for j in range(50)] for i in range(1000)],
        "tree": [{"id": i, "vals": [i, i + 1, i + 2], "name": f"n{i}"} for i in range(150_000)],
        "dict_tree": dict_tree(),
    }


def times(f):
    out = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        f()
        out.append(time.perf_counter() - start)
    return out


def main():
    out_dir = sys.argv[1]
    results = {}
    for name, obj in workloads().items():
        data = pickle.dumps(obj, protocol=5)
        with open(os.path.join(out_dir, f"{name}.pkl"), "wb") as f:
            f.write(data)
        results[name] = {
            "dumps": times(lambda: pickle.dumps(obj, protocol=5)),
            "loads": times(lambda: pickle.loads(data)),
            "bytes": len(data),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
