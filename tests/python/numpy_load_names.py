"""Which pickles of arrays this numpy loads, and how: stdin holds records
(label, pickle); prints one line per pickle, the label then `ok`, the
warning's class, or the error's class."""
import pickle
import sys
import warnings

import numpy as np  # noqa: F401  (the pickles name it)

from records import read_records


def main():
    rec = read_records(sys.stdin.buffer.read())
    for label, data in zip(rec[::2], rec[1::2]):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                pickle.loads(data)
                outcome = caught[0].category.__name__ if caught else "ok"
            except Exception as e:  # noqa: BLE001  (the class is the result)
                outcome = type(e).__name__
        print(label.decode(), outcome)


if __name__ == "__main__":
    main()
