"""The non-neural reference: k-mer counts and a logistic regression (scikit-learn).

Same data handling and metrics as the transformers, so every result has a floor.

>>> seqs = ["AAAAGGGG", "AAAGGGGA", "CCCCUUUU", "CCCUUUUC"] * 5
>>> model = KmerLogReg(k=3, seed=0).fit(seqs, [0, 0, 1, 1] * 5)
>>> model.predict_proba(["AAAAGGGA", "CCCCUUUC"]).argmax(axis=1).tolist()
[0, 1]
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

from labkit.atomic import atomic_write
from labkit.errors import LabError

MODEL_FILE = "kmer_logreg.pkl"


class KmerLogReg:
    """Overlapping k-mer counts (U read as T), L2-normalised, then logistic regression."""

    def __init__(self, k: int = 5, c: float = 1.0, seed: int = 0, max_iter: int = 2000):
        self.k = k
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

    def save(self, directory: Path) -> Path:
        path = Path(directory) / MODEL_FILE
        with atomic_write(path, "wb") as fh:
            pickle.dump(self, fh)
        return path

    @staticmethod
    def load(directory: Path) -> "KmerLogReg":
        path = Path(directory) / MODEL_FILE
        try:
            with open(path, "rb") as fh:
                model = pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            raise LabError(f"{path}: cannot load the k-mer baseline ({exc.__class__.__name__}); "
                           "expected a file written by `classify train --arch kmer-logreg`") from None
        if not isinstance(model, KmerLogReg):
            raise LabError(f"{path}: holds a {type(model).__name__}; expected a KmerLogReg")
        return model
