"""Closed-loop load with wrk (Debian's package): N keep-alive connections, each sending its next request
as soon as the last answer is read, for a fixed time.

wrk is C on epoll: on this 2-core machine the client shares the CPU with the server it measures, and
wrk leaves it far more of it than a Python client could. A Lua script walks the given paths in turn
(each wrk thread from its own offset) and sends the cookies in turn, one per request; its `done`
prints the run's counts and latency percentiles as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = """
paths = {%(paths)s}
cookies = {%(cookies)s}
local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7919)
  table.insert(threads, thread)
end
function init(args)
  n = offset
end
function request()
  n = n + 1
  local headers = {["Host"] = "127.0.0.1"}
  if #cookies > 0 then headers["Cookie"] = "sessionid=" .. cookies[(n %% #cookies) + 1] end
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "seconds": %%f, "p50_us": %%d, "p99_us": %%d, "mean_us": %%f, "bad_status": %%d, '
    .. '"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


@dataclass(frozen=True)
class Run:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    bad_status: int  # answers other than 2xx and 3xx
    socket_errors: int  # connect, read, write and timeout errors (a recycled worker's connections)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def median(runs: list[Run]) -> Run:
    """The run of median rate, with the medians of the runs' p50 and p99; errors added up."""
    middle = sorted(runs, key=lambda run: run.rate)[len(runs) // 2]
    p50s, p99s = sorted(run.p50_ms for run in runs), sorted(run.p99_ms for run in runs)
    return Run(requests=middle.requests, seconds=middle.seconds, p50_ms=p50s[len(runs) // 2],
               p99_ms=p99s[len(runs) // 2], bad_status=sum(run.bad_status for run in runs),
               socket_errors=sum(run.socket_errors for run in runs))


def available() -> bool:
    return shutil.which("wrk") is not None


def closed_loop(port: int, paths: list[str], cookies: list[str], clients: int, seconds: float) -> Run:
    """`clients` connections on 127.0.0.1:`port` for `seconds`, over `paths` and `cookies` in turn."""
    quoted = ",".join(json.dumps(path) for path in paths)
    script = _SCRIPT % {"paths": quoted, "cookies": ",".join(json.dumps(cookie) for cookie in cookies)}
    with tempfile.TemporaryDirectory() as folder:
        lua = Path(folder) / "load.lua"
        lua.write_text(script)
        done = subprocess.run(["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s",
                               "-s", str(lua), f"http://127.0.0.1:{port}/"],
                              capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stderr[-2000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Run(requests=found["requests"], seconds=found["seconds"], p50_ms=found["p50_us"] / 1000,
               p99_ms=found["p99_us"] / 1000, bad_status=found["bad_status"],
               socket_errors=found["connect"] + found["read"] + found["write"] + found["timeout"])
