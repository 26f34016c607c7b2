"""Helpers of the tile benchmark (bench/bench_tiles.py): seed, WSGI entry with the bare view, HTTP load."""
