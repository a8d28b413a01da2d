"""Writes real, harmless ML artifacts into OUTDIR, the way their libraries
save them: numpy (`np.save`, `np.savez`, pickles of arrays, scalars and
random generators), pandas (`to_pickle`, pickles of frames, series and
indexes of many dtypes), scikit-learn estimators (pickle and `joblib.dump`,
plain and compressed), joblib dumps of arrays, and PyTorch-format
checkpoints written by `torch_format.py`.

Usage: benign_artifacts.py OUTDIR
"""
import collections
import datetime
import decimal
import fractions
import os
import pickle
import sys
import uuid
import warnings

import joblib
import numpy as np
import pandas as pd
from sklearn import (cluster, compose, decomposition, ensemble, feature_extraction, linear_model, naive_bayes,
                     neighbors, neural_network, pipeline, preprocessing, svm, tree)

import torch_format

warnings.filterwarnings("ignore")


def main(out):
    os.makedirs(out, exist_ok=True)
    n = [0]

    def write(name, data):
        n[0] += 1
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)

    def dump(name, obj, protocols=(2, 4, 5)):
        for p in protocols:
            write(f"{name}.p{p}.pkl", pickle.dumps(obj, protocol=p))

    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    text = ["the cat sat", "a dog ran", "the bird flew", "a fish swam"] * 5

    # Plain Python data and the standard library's value types.
    dump("builtins", {"a": [1, 2.5, None, True], "b": (b"x", bytearray(b"y")), "c": {1, 2}, "d": frozenset([3])}, (0, 1, 2, 3, 4, 5))
    dump("stdlib", [collections.OrderedDict(a=1), collections.defaultdict(list, a=[1]), collections.deque([1, 2], maxlen=5),
                    collections.Counter("aab"), datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
                    datetime.date(2024, 1, 2), datetime.timedelta(days=3), decimal.Decimal("1.50"), fractions.Fraction(1, 3),
                    uuid.UUID(int=7), complex(1, 2), range(3), slice(1, 2)], (0, 2, 4, 5))

    # numpy.
    arrays = {
        "float64": X,
        "int32": np.arange(12, dtype=np.int32).reshape(3, 4),
        "bool": X > 0,
        "fortran": np.asfortranarray(X),
        "unicode": np.array(["ab", "cde"]),
        "structured": np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,))]),
        "datetime": np.array(["2024-01-01", "2024-02-01"], dtype="datetime64[D]"),
        "complex": np.ones(3, dtype=np.complex64),
        "empty": np.zeros((0, 3)),
        "scalar": np.array(3.5),
        "objects": np.array([{"a": 1}, [1, 2], "text", None], dtype=object),
    }
    for name, a in arrays.items():
        path = os.path.join(out, f"np_{name}.npy")
        np.save(path, a, allow_pickle=True)
        n[0] += 1
        dump(f"np_{name}", a)
    np.savez(os.path.join(out, "np_arrays.npz"), x=X, i=arrays["int32"])
    np.savez_compressed(os.path.join(out, "np_arrays_compressed.npz"), x=X, o=arrays["objects"])
    n[0] += 2
    dump("np_scalars", [np.float64(1.5), np.int64(3), np.bool_(True), np.float32(2), np.datetime64("2024-01-01"), np.str_("s")])
    dump("np_dtypes", [np.dtype("f8"), np.dtype([("a", "i4")]), np.dtype("U3"), np.dtype("O")])
    dump("np_random", [np.random.RandomState(1), np.random.default_rng(2), np.random.PCG64(3)])
    dump("np_masked", np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]))
    dump("np_matrix", np.matrix([[1, 2], [3, 4]]))

    # pandas.
    df = pd.DataFrame({
        "i": np.arange(6),
        "f": np.linspace(0, 1, 6),
        "s": list("abcdef"),
        "c": pd.Categorical(list("xyzxyz")),
        "t": pd.date_range("2024-01-01", periods=6, tz="UTC"),
        "naive": pd.date_range("2024-01-01", periods=6),
        "d": pd.to_timedelta(np.arange(6), unit="h"),
        "b": [True, False] * 3,
        "n": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        "str": pd.array(list("uvwxyz"), dtype="string"),
    })
    dump("pd_frame", df)
    dump("pd_series", df["f"])
    dump("pd_index", [pd.RangeIndex(5), pd.Index(["a", "b"]), pd.MultiIndex.from_product([[1, 2], ["a", "b"]]),
                      pd.DatetimeIndex(["2024-01-01"]), pd.period_range("2024-01", periods=3, freq="M")])
    dump("pd_timestamps", [pd.Timestamp("2024-01-01", tz="UTC"), pd.Timedelta("1h"), pd.NaT, pd.Period("2024-01", freq="M")])
    dump("pd_grouped", df.groupby("c", observed=True)["f"].sum())
    df.to_pickle(os.path.join(out, "pd_frame_to_pickle.pkl"))
    df.to_pickle(os.path.join(out, "pd_frame_to_pickle.pkl.gz"))
    df.to_pickle(os.path.join(out, "pd_frame_to_pickle.pkl.bz2"))
    df.to_pickle(os.path.join(out, "pd_frame_to_pickle.pkl.xz"))
    n[0] += 4

    # scikit-learn.
    models = {
        "logreg": linear_model.LogisticRegression().fit(X, y),
        "ridge": linear_model.Ridge().fit(X, X[:, 1]),
        "forest": ensemble.RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y),
        "gbm": ensemble.GradientBoostingClassifier(n_estimators=5).fit(X, y),
        "hgb": ensemble.HistGradientBoostingClassifier(max_iter=5).fit(X, y),
        "tree": tree.DecisionTreeRegressor().fit(X, X[:, 0]),
        "svc": svm.SVC(probability=False).fit(X, y),
        "knn_kd": neighbors.KNeighborsClassifier(algorithm="kd_tree").fit(X, y),
        "knn_ball": neighbors.KNeighborsClassifier(algorithm="ball_tree").fit(X, y),
        "kmeans": cluster.KMeans(n_clusters=2, n_init=2, random_state=0).fit(X),
        "pca_pipeline": pipeline.make_pipeline(preprocessing.StandardScaler(), decomposition.PCA(2), linear_model.LogisticRegression()).fit(X, y),
        "mlp": neural_network.MLPClassifier(max_iter=20).fit(X, y),
        "nb": naive_bayes.GaussianNB().fit(X, y),
        "tfidf": pipeline.make_pipeline(feature_extraction.text.TfidfVectorizer(), linear_model.LogisticRegression()).fit(text, [0, 1] * 10),
        "columns": compose.ColumnTransformer([("num", preprocessing.StandardScaler(), ["f"]), ("cat", preprocessing.OneHotEncoder(), ["s"])]).fit(df),
        "labels": preprocessing.LabelEncoder().fit(["a", "b", "c"]),
    }
    for name, model in models.items():
        dump(f"sk_{name}", model, (4, 5))
        joblib.dump(model, os.path.join(out, f"sk_{name}.joblib"))
        n[0] += 1
    for compress in ("zlib", "gzip", "bz2", "xz", "lzma"):
        joblib.dump(models["forest"], os.path.join(out, f"sk_forest.{compress}.joblib"), compress=(compress, 3))
        n[0] += 1

    # joblib dumps of plain data.
    joblib.dump({"x": X, "objects": arrays["objects"], "n": 3}, os.path.join(out, "jl_arrays.joblib"))
    joblib.dump([X, arrays["structured"], arrays["fortran"]], os.path.join(out, "jl_many.joblib"), protocol=2)
    joblib.dump(X, os.path.join(out, "jl_compressed.joblib"), compress=True)
    n[0] += 3

    # PyTorch-format checkpoints.
    T = torch_format
    linear = T.state_dict([
        ("weight", T.Tensor("FloatStorage", [0.5] * 8, (2, 4))),
        ("bias", T.Tensor("FloatStorage", [0.0, 1.0], (2,))),
        ("steps", T.Tensor("LongStorage", [7], ())),
    ])
    checkpoint = {
        "epoch": 3,
        "model": linear,
        "optimizer": {"state": {0: {"momentum_buffer": T.Tensor("FloatStorage", [0.1] * 8, (2, 4))}}, "param_groups": [{"lr": 0.1, "params": [0, 1]}]},
        "param": T.Parameter("DoubleStorage", [1.0, 2.0], (2,), requires_grad=True),
        "mask": T.Tensor("BoolStorage", [True, False], (2,)),
        "half": T.Tensor("HalfStorage", [1.0, 2.0, 3.0], (3,)),
        "dtype": T.TORCH.float32,
        "metrics": {"loss": 0.25, "acc": np.float64(0.75)},
    }
    for name, obj in (("state_dict", linear), ("checkpoint", checkpoint)):
        for ext in (".pt", ".pth", ".bin", ".ckpt"):
            write(f"torch_{name}{ext}", T.save(obj))
        write(f"torch_{name}_p4.pt", T.save(obj, protocol=4))
        write(f"torch_{name}_other_prefix.pt", T.save(obj, prefix="my_model"))
        write(f"torch_{name}_bad_crc.pt", T.corrupt(T.save(obj), bad_crc=True))
        write(f"torch_{name}_flag_encrypted.pt", T.corrupt(T.save(obj), flag=0x01))
        write(f"torch_{name}_legacy.pt", T.save_legacy(obj))
        write(f"torch_{name}_legacy_p4.bin", T.save_legacy(obj, protocol=4))
    print(n[0], "benign artifacts", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
