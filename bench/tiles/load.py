"""Fields of view as a browser fetches them: a view's tiles over a few keep-alive HTTP/1.1 connections
on asyncio, timed until the last tile has arrived. (Throughput phases use wrk: bench/tiles/wrk.py.)

Raw sockets rather than an HTTP library, so the client costs as little CPU as possible: it shares the
machine with the server it measures.
"""

from __future__ import annotations

import asyncio
import time


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str, cookie: str | None) -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        if cookie:
            head += f"Cookie: sessionid={cookie}\r\n"
        self.writer.write((head + "\r\n").encode())
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def fields_of_view(host: str, port: int, views: list[list[str]], cookie: str, connections: int) -> list[float]:
    """Each view's tiles fetched over `connections` keep-alive connections (as a browser's 6 per host);
    the time until the last tile of each view has arrived, in ms."""
    times: list[float] = []

    async def main() -> None:
        pool = [Connection(host, port) for _ in range(connections)]
        for view in views:
            queue = list(view)
            start = time.perf_counter()

            async def worker(connection: Connection, queue: list[str] = queue) -> None:
                while queue:
                    path = queue.pop()
                    try:
                        status, _ = await connection.get(path, cookie)
                    except (asyncio.IncompleteReadError, ConnectionError):
                        connection.close()  # a recycled worker: ask again on a new connection
                        queue.append(path)
                        continue
                    if status != 200:
                        raise RuntimeError(f"a tile answered {status}")

            await asyncio.gather(*(worker(c) for c in pool))
            times.append((time.perf_counter() - start) * 1000)
        for connection in pool:
            connection.close()

    asyncio.run(main())
    return times
