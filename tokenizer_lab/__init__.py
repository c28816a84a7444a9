"""tokenizer_lab."""
