"""Runs pickle-inspect, picklescan, fickling and modelscan on a labelled
corpus and prints each tool's confusion table.

A file is labelled by the `benign` or `malicious` folder it is in; a tool
rejects it when its usual gate does: pickle-inspect's `scan` exits non-zero,
picklescan reports an issue or a scan error (its CLI exits non-zero),
fickling's `scan_file` result is falsy (not likely safe, or errors),
modelscan reports an issue. Tools that are not installed are skipped.

Usage, with the scanners installed in a scratch venv:

    python3 -m venv /tmp/scanners
    /tmp/scanners/bin/pip install picklescan fickling modelscan typing_extensions
    python3 tests/python/benign_artifacts.py /tmp/corpus/benign        # needs numpy, pandas, scikit-learn, joblib
    python3 tests/python/malicious_artifacts.py /tmp/corpus/malicious
    cargo build --release -p pickle-inspect
    /tmp/scanners/bin/python tools/compare_scanners.py target/release/pickle-inspect /tmp/corpus tests/corpus
"""
import contextlib
import io
import json
import logging
import os
import subprocess
import sys
import time


def labelled(roots):
    out = []
    for root in roots:
        for folder, _, names in os.walk(root):
            parts = folder.split(os.sep)
            label = "malicious" if "malicious" in parts else "benign" if "benign" in parts else None
            if label:
                out += [(os.path.join(folder, n), label) for n in sorted(names)]
    return out


def pickle_inspect(binary, files):
    """Verdicts of one `scan --format json` run over every file."""
    verdicts = {}
    for i in range(0, len(files), 200):
        chunk = files[i : i + 200]
        out = subprocess.run([binary, "scan", "--format", "json", *chunk], capture_output=True, check=False)
        for f in json.loads(out.stdout)["files"]:
            verdicts[f["path"]] = f["verdict"] != "pass"
    return lambda path: verdicts[path]


def picklescan():
    from picklescan.scanner import scan_file_path

    def reject(path):
        result = scan_file_path(path)
        return result.issues_count > 0 or result.scan_err

    return reject


def fickling():
    import fickling as f

    return lambda path: not f.scan_file(path, graceful=True)


def modelscan():
    from modelscan.modelscan import ModelScan

    def reject(path):
        return bool(ModelScan().scan(path)["issues"])

    return reject


def main():
    binary, *roots = sys.argv[1:]
    logging.disable(logging.CRITICAL)
    files = labelled(roots)
    paths = [p for p, _ in files]
    tools = [("pickle-inspect scan", lambda: pickle_inspect(binary, paths))]
    tools += [("picklescan", picklescan), ("fickling", fickling), ("modelscan", modelscan)]
    malicious = sum(1 for _, label in files if label == "malicious")
    benign = len(files) - malicious
    print(f"{malicious} malicious and {benign} benign files\n")
    print("| tool | malicious caught | benign rejected | seconds |")
    print("|---|---:|---:|---:|")
    for name, make in tools:
        try:
            start = time.perf_counter()
            reject = make()
        except ImportError:
            print(f"| {name} | not installed | | |")
            continue
        caught = rejected = 0
        misses = []
        for path, label in files:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    r = reject(path)
            except Exception:  # a tool that crashes on a file rejects nothing
                r = False
            if label == "malicious":
                caught += r
            else:
                rejected += r
            if r != (label == "malicious"):
                misses.append(path)
        seconds = time.perf_counter() - start
        print(f"| {name} | {caught} / {malicious} | {rejected} / {benign} | {seconds:.1f} |")
        if os.environ.get("SHOW_MISSES"):
            for m in misses:
                print(f"    wrong: {m}", file=sys.stderr)


if __name__ == "__main__":
    main()
