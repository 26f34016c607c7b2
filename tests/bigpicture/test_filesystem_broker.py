"""The filesystem broker (the embedded default) never hands a worker a message still being written.

kombu's own transport creates the message file before it writes it; a reader in another process
then takes an empty file and its consumer dies (JSONDecodeError), as the demo's worker did.
"""

import multiprocessing
import time
from queue import Empty

from bigpicture.broker import Transport
from bigpicture.celery import app
from tests.bigpicture.broker_writer import PAYLOAD, channel, write

N_MESSAGES = 40


def test_the_portal_uses_the_atomic_transport(settings):
    with app.connection_for_write("filesystem://") as connection:
        assert isinstance(connection.transport, Transport)


def test_a_worker_polling_while_another_process_writes_gets_every_message_whole(tmp_path):
    writer = multiprocessing.get_context("spawn").Process(target=write, args=(str(tmp_path), N_MESSAGES))
    writer.start()
    reader, received = channel(str(tmp_path)), []
    deadline = time.monotonic() + 120
    try:
        while len(received) < N_MESSAGES and time.monotonic() < deadline:
            try:
                received.append(reader._get("q"))
            except Empty:
                pass
    finally:
        writer.join(timeout=30)
        writer.kill()
    assert sorted(message["n"] for message in received) == list(range(N_MESSAGES))
    assert all(message["body"] == PAYLOAD["body"] for message in received)
    assert not list(tmp_path.glob(".*.tmp"))
