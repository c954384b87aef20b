"""In-process benchmark suites, one module each; see ``benchmarks/run.py``."""
