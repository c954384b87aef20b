"""Load benchmarks for deflect: ``make bench`` runs ``benchmarks/run.py``."""
