"""Benchmarks: each module here with a main() is one benchmark (run them with bench/run.py)."""
