"""One measured step of the import benchmark, in its own process: `python -m bench.import_child MODE BUNDLE`.

MODE is `validate` (the baseline: parse and check everything, write nothing) or
`import` (the subject: `dataset_import`). Prints one JSON line with the wall
time and this process's peak RSS, so neither is blurred by the parent.
"""

from __future__ import annotations

import json
import resource
import sys
import time

import django


def main(mode: str, bundle: str) -> None:
    django.setup()
    from repository.metaflex import validate_bundle
    from repository.services import dataset_import

    started = time.perf_counter()
    if mode == "validate":
        ok = validate_bundle(bundle)[1].ok
        counts = {}
    else:
        result = dataset_import(bundle_dir=bundle)
        ok, counts = result.ok, result.counts
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ok": ok, "seconds": seconds, "peak_rss_mib": peak_mib, "counts": counts}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
