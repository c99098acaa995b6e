"""Benchmarks of Arcadia's supervision loop and of how it scales (run `python -m bench`)."""
