"""The catalogue benchmark's pieces: a synthetic vocabulary, the PostgreSQL seeder and a baseline view.

`bench/bench_catalogue.py` is the benchmark itself; `python -m bench.catalogue.seed` seeds by hand.
"""
