"""Malware scanning: files are streamed to clamd, which answers clean, found or an error.

`scan_stream` (ingestion.scanning.clamd) is what the pipeline calls; `ClamdServer`
(ingestion.scanning.server) runs a private clamd for tests, benchmarks and the demo, with
the test signatures the project writes itself (ingestion.scanning.signatures).
"""

from ingestion.scanning.clamd import ScanVerdict, clamd_ping, clamd_version, scan_stream

__all__ = ["ScanVerdict", "clamd_ping", "clamd_version", "scan_stream"]
