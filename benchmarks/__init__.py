"""Benchmarks: speed and memory measured here, never in unit tests. Run with ``make bench``."""
