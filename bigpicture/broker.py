"""The embedded default's filesystem broker, with message files that appear whole.

kombu's filesystem transport creates a message file and then writes into it, so a worker
polling the folder can take an empty or half-written file and its consumer dies on it
(seen in the demo: `json.JSONDecodeError` in `drain_events`, then the worker stops). Here a
message is written under a hidden temporary name in the same folder and renamed into place,
so a reader sees all of it or nothing. `bigpicture.celery` points `filesystem://` here.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # The name kombu's reader expects; ".<hex>.tmp" is never taken for a message.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        temporary = os.path.join(self.data_folder_out, f".{uuid.uuid4().hex}.tmp")
        try:
            with open(temporary, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(temporary, os.path.join(self.data_folder_out, name))
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise ChannelError(f"Cannot add a message to {self.data_folder_out!r}") from exc


class Transport(filesystem.Transport):
    Channel = Channel
