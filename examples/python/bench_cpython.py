"""CPython's side of `cargo run --release --example bench`.

Builds each workload as Python objects, writes CPython's protocol-5 pickle of
it to DIR/<name>.pkl (Rust decodes those, and checks its own encoding against
them), times `pickle.dumps` and `pickle.loads` (best of REPEAT runs), and
prints the timings as JSON."""
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


def workloads():
    return {
        "records": records(),
        "ints": [i % 1000 for i in range(1_000_000)],
        "strings": [f"s{i}" for i in range(100_000)],
        "bytes": bytes(range(256)) * (10 * 1024 * 1024 // 256),
        "tree": [{"id": i, "vals": [i, i + 1, i + 2], "name": f"n{i}"} for i in range(150_000)],
    }


def best(f):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    out_dir = sys.argv[1]
    results = {}
    for name, obj in workloads().items():
        data = pickle.dumps(obj, protocol=5)
        with open(os.path.join(out_dir, f"{name}.pkl"), "wb") as f:
            f.write(data)
        results[name] = {
            "dumps": best(lambda: pickle.dumps(obj, protocol=5)),
            "loads": best(lambda: pickle.loads(data)),
            "bytes": len(data),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
