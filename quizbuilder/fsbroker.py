"""The embedded broker: kombu's filesystem transport, made safe for a live worker.

kombu's own `_put` creates the message file and then writes it, and `_get` moves whatever
file it lists; a worker polling every 50 ms can take a file that is still empty or half
written, fail to decode it and lose the message (seen in the card benchmark). Here a message
is written under a temporary name in the same folder's sibling and renamed into place, which
is atomic on one filesystem, and a taken message is moved aside within DATA_DIR (not to
/tmp, which may be another filesystem) before it is read.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from queue import Empty
from time import monotonic
from typing import Any

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

ALIAS = "qbfs"


class Channel(filesystem.Channel):
    # kombu's two base classes disagree on this signature; basic_publish passes publish
    # options (mandatory, immediate...) as keywords, which a file has no use for.
    def _put(self, queue: Any, message: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = os.path.join(self.processed_folder, f".{name}.part")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(message)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add a message to {self.data_folder_out!r}") from exc

    def _get(self, queue: Any, timeout: Any = None) -> Any:
        wanted = f"{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != wanted:
                continue
            taken = os.path.join(self.processed_folder, f"{name}.{uuid.uuid4().hex}")
            try:
                # Whoever renames the file first owns the message; the others move on.
                os.replace(os.path.join(self.data_folder_in, name), taken)
            except OSError:
                continue
            try:
                with open(taken, "rb") as f:
                    payload = f.read()
            finally:
                with contextlib.suppress(OSError):
                    os.remove(taken)
            return loads(bytes_to_str(payload))
        raise Empty()


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES[ALIAS] = f"{__name__}:Transport"
