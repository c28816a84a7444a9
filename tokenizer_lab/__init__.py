"""tokenizer_lab: train, save, load and inspect tokenizers for aptamer sequences.

>>> from tokenizer_lab import TokenizerSpec, train_tokenizer
>>> tok = train_tokenizer(["ACGUACGU", "ACGUAA", "ACGUCC"], TokenizerSpec(algorithm="char"))
>>> tok.decode(tok.encode("ACGT"))
'ACGU'
"""

from .artifact import LabTokenizer, load_tokenizer
from .errors import TokenizerError
from .spec import SPECIAL_TOKENS, TokenizerSpec
from .train import train_tokenizer

from labkit import __version__

__all__ = ["LabTokenizer", "SPECIAL_TOKENS", "TokenizerError", "TokenizerSpec",
           "load_tokenizer", "train_tokenizer"]
