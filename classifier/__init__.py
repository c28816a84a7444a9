"""classifier: BERT, ALBERT (and other encoders) on learned vocabularies, and baselines.

Library entry points (imported lazily, so that ``classify --help`` starts fast)::

    from classifier import TrainConfig, train_classifier, load_model_dir, evaluate_model
    result = train_classifier(TrainConfig(preset="tiny", seed=0), tok, train, valid, test,
                              out_dir="model/")
    result.metrics["mcc"], result.costs["train_seqs_per_s"]

>>> from classifier import TrainConfig
>>> TrainConfig().arch
'bert'
"""

from importlib import import_module

_EXPORTS = {
    "TrainConfig": "train_config", "TrainResult": "run_types", "train_classifier": "finetune",
    "prepare_splits": "run_types", "PRESETS": "presets", "build_config": "presets",
    "classification_metrics": "metrics", "load_model_dir": "artifacts",
    "evaluate_model": "evaluate", "predict_file": "evaluate", "model_probabilities": "evaluate",
    "PretrainConfig": "pretrain", "pretrain_mlm": "pretrain", "KmerLogReg": "baseline",
    "ClassifierError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'classifier' has no attribute {name!r}")
