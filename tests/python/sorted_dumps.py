"""For each input line `protocol<TAB>literal`: pickle.dumps of the dict the
literal describes, with its keys in sorted() order, as records."""
import ast
import pickle
import sys

from records import write_records


def main():
    out = []
    for line in sys.stdin.read().splitlines():
        proto, literal = line.split("\t", 1)
        d = ast.literal_eval(literal)
        out.append(pickle.dumps({k: d[k] for k in sorted(d)}, int(proto)))
    sys.stdout.buffer.write(write_records(out))


if __name__ == "__main__":
    main()
