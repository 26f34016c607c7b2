"""Tests for the benchmark harness (bench/): results, report, helpers; no services, no timing."""
