"""Generator backends: local transformers (with batched decoding) and OpenAI-compatible HTTP servers."""
