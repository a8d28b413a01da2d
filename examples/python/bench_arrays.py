"""numpy's side of the arrays workload of `cargo run --release --example
bench --features ndarray`.

Makes the 100 MiB float32 array (and a 1 MiB one, to show what grows with
the size), writes numpy's protocol-5 pickles of it to DIR (in band:
arrays-<size>.pkl; out of band: arrays-<size>-oob.pkl and the buffer
arrays-<size>-oob.buf), times numpy's `pickle.dumps` and `pickle.loads`
of each (best of BENCH_REPEAT runs), and prints the timings as JSON."""
import json
import os
import pickle
import sys
import time

import numpy as np

REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def best(f):
    times = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def array(rows):
    # What Rust makes too: element k is (k % 1000) * 0.5.
    return ((np.arange(rows * 1024, dtype=np.int64) % 1000) * 0.5).astype(np.float32).reshape(rows, 1024)


def main():
    out = sys.argv[1]
    timings = {"numpy": np.__version__}
    for name, rows in [("1MiB", 256), ("100MiB", 25600)]:
        a = array(rows)
        inband = pickle.dumps(a, protocol=5)
        with open(os.path.join(out, "arrays-%s.pkl" % name), "wb") as f:
            f.write(inband)
        buffers = []
        oob = pickle.dumps(a, protocol=5, buffer_callback=buffers.append)
        with open(os.path.join(out, "arrays-%s-oob.pkl" % name), "wb") as f:
            f.write(oob)
        with open(os.path.join(out, "arrays-%s-oob.buf" % name), "wb") as f:
            f.write(buffers[0].raw())
        raw = [bytearray(buffers[0].raw())]
        timings[name] = {
            "dumps": best(lambda: pickle.dumps(a, protocol=5)),
            "loads": best(lambda: pickle.loads(inband)),
            "dumps_oob": best(lambda: pickle.dumps(a, protocol=5, buffer_callback=lambda b: None)),
            "loads_oob": best(lambda: pickle.loads(oob, buffers=raw)),
            "bytes": len(inband),
        }
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
