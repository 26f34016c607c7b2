"""Helpers of the upload benchmark (bench/bench_upload.py): payload, servers, clients."""
