"""The non-neural reference: k-mer counts and a logistic regression (scikit-learn).

Same data handling and metrics as the transformers, so every result has a floor.
Saved as data, never as a pickle: the weights in ``kmer_logreg.safetensors``
(``coef``, ``intercept``, ``classes``) and the settings and k-mer vocabulary in
``kmer_logreg.json``. Loading rebuilds the same scikit-learn objects from those
arrays, so the probabilities are the ones the fitted model gave.

>>> seqs = ["AAAAGGGG", "AAAGGGGA", "CCCCUUUU", "CCCUUUUC"] * 5
>>> model = KmerLogReg(k=3, seed=0).fit(seqs, [0, 0, 1, 1] * 5)
>>> model.predict_proba(["AAAAGGGA", "CCCCUUUC"]).argmax(axis=1).tolist()
[0, 1]
>>> import tempfile
>>> d = tempfile.mkdtemp()
>>> sorted(p.name for p in model.save(d).parent.iterdir())
['kmer_logreg.json', 'kmer_logreg.safetensors']
>>> bool((KmerLogReg.load(d).predict_proba(seqs) == model.predict_proba(seqs)).all())
True
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from labkit.atomic import atomic_write
from labkit.documents import read_document

from .errors import ClassifierError

MODEL_FILE = "kmer_logreg.json"
WEIGHTS_FILE = "kmer_logreg.safetensors"
PICKLE_FILE = "kmer_logreg.pkl"  # written by versions before 0.2; never opened
FORMAT = "kmer-logreg"
FORMAT_VERSION = 1


class KmerLogReg:
    """Overlapping k-mer counts (U read as T), L2-normalised, then logistic regression."""

    def __init__(self, k: int = 5, c: float = 1.0, seed: int = 0, max_iter: int = 2000):
        self.k, self.c, self.seed, self.max_iter = k, c, seed, max_iter
        self.pipeline = make_pipeline(
            CountVectorizer(analyzer="char", ngram_range=(k, k), lowercase=False),
            Normalizer(),
            LogisticRegression(C=c, max_iter=max_iter, random_state=seed))

    @staticmethod
    def _prep(seqs) -> list[str]:
        return [s.upper().replace("U", "T") for s in seqs]

    def fit(self, seqs, labels) -> "KmerLogReg":
        self.pipeline.fit(self._prep(seqs), np.asarray(labels))
        return self

    def predict_proba(self, seqs) -> np.ndarray:
        """Probabilities for every class index 0..n-1 (a class absent from training gets 0)."""
        clf = self.pipeline[-1]
        p = self.pipeline.predict_proba(self._prep(seqs))
        n = int(max(clf.classes_)) + 1
        out = np.zeros((len(seqs), n))
        out[:, clf.classes_] = p
        return out

    @property
    def n_features(self) -> int:
        return len(self.pipeline[0].vocabulary_)

    @property
    def n_params(self) -> int:
        """Weights and biases of the fitted regression: one row for two classes, else one
        per class.

        >>> m = KmerLogReg(k=2).fit(["AAGG", "CCUU", "AGAG", "CUCU"], [0, 1, 0, 1])
        >>> m.n_features, m.n_params  # 8 dinucleotides + a bias, one row for two classes
        (8, 9)
        """
        return int(self.pipeline[-1].coef_.size + self.pipeline[-1].intercept_.size)

    def save(self, directory: str | Path) -> Path:
        """Write ``kmer_logreg.json`` and ``kmer_logreg.safetensors``; return the JSON path."""
        from safetensors.numpy import save

        vec, clf = self.pipeline[0], self.pipeline[-1]
        vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        directory = Path(directory)
        tensors = {"coef": np.ascontiguousarray(clf.coef_, dtype=np.float64),
                   "intercept": np.ascontiguousarray(clf.intercept_, dtype=np.float64),
                   "classes": np.asarray(clf.classes_, dtype=np.int64)}
        with atomic_write(directory / WEIGHTS_FILE, "wb") as fh:
            fh.write(save(tensors, metadata={"format": FORMAT}))
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "k": self.k, "c": self.c,
                "seed": self.seed, "max_iter": self.max_iter,
                "vectorizer": {"analyzer": "char", "ngram_range": [self.k, self.k],
                               "lowercase": False, "normalizer": "l2",
                               "prepare": "upper case, U read as T"},
                "vocabulary": vocab}
        with atomic_write(directory / MODEL_FILE) as fh:
            json.dump(meta, fh)
        return directory / MODEL_FILE

    @classmethod
    def load(cls, directory: str | Path) -> "KmerLogReg":
        """Rebuild the fitted model from its JSON and safetensors files (no pickle, ever)."""
        directory = Path(directory)
        path = directory / MODEL_FILE
        if not path.is_file() and (directory / PICKLE_FILE).exists():
            raise ClassifierError(
                f"{directory / PICKLE_FILE}: a k-mer baseline saved as a pickle by an older "
                "version; pickles are never loaded (they can run code). Retrain it with "
                "`classify train --arch kmer-logreg --data ... --out NEWDIR`")
        meta = _read_meta(path)
        arrays = _read_weights(directory / WEIGHTS_FILE)
        k, vocab = meta["k"], meta["vocabulary"]
        coef, intercept, classes = arrays["coef"], arrays["intercept"], arrays["classes"]
        if coef.ndim != 2 or coef.shape[1] != len(vocab) or intercept.shape != (coef.shape[0],) \
                or classes.ndim != 1 or len(classes) < 2 \
                or coef.shape[0] != (1 if len(classes) == 2 else len(classes)):
            raise ClassifierError(
                f"{directory / WEIGHTS_FILE}: coef {list(coef.shape)}, intercept "
                f"{list(intercept.shape)}, classes {list(classes.shape)} do not fit a "
                f"vocabulary of {len(vocab)} k-mers; expected the files `classify train` wrote")
        model = cls(k=k, c=meta["c"], seed=meta["seed"], max_iter=meta["max_iter"])
        vec, clf = model.pipeline[0], model.pipeline[-1]
        vec.set_params(vocabulary={t: i for i, t in enumerate(vocab)})
        vec._validate_vocabulary()
        model.pipeline[1].fit(np.zeros((1, len(vocab))))
        clf.coef_, clf.intercept_, clf.classes_ = coef, intercept, classes
        clf.n_features_in_ = len(vocab)
        clf.n_iter_ = np.zeros(1, dtype=np.int32)
        return model


_META_TYPES = {"k": int, "c": (int, float), "seed": int, "max_iter": int, "vocabulary": list}


def _read_meta(path: Path) -> dict:
    meta = read_document(path, json.loads, "JSON", "missing; expected the k-mer baseline "
                         "written by `classify train --arch kmer-logreg`", ClassifierError)
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ClassifierError(f"{path}: not a k-mer baseline file (expected \"format\": \"{FORMAT}\")")
    for name, kind in _META_TYPES.items():
        value = meta.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ClassifierError(f"{path}: field {name!r} is {type(value).__name__}; "
                                  f"expected {getattr(kind, '__name__', 'a number')}")
    if meta["k"] < 1 or not all(isinstance(t, str) and len(t) == meta["k"] for t in meta["vocabulary"]):
        raise ClassifierError(f"{path}: field 'vocabulary' must list k-mers of length k={meta['k']}")
    return meta


def _read_weights(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load

    try:
        arrays = load(path.read_bytes())
    except FileNotFoundError:
        raise ClassifierError(f"{path}: missing; expected the k-mer baseline weights") from None
    except Exception as exc:  # safetensors raises its own SafetensorError on damaged files
        first = (str(exc).splitlines() or [exc.__class__.__name__])[0]
        raise ClassifierError(f"{path}: damaged weights ({first}); expected a safetensors "
                              "file written by `classify train --arch kmer-logreg`") from None
    for name in ("coef", "intercept", "classes"):
        if name not in arrays:
            raise ClassifierError(f"{path}: no tensor {name!r}; expected coef, intercept, classes")
    return arrays
