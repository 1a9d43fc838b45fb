"""An embedded broker for development: messages are files in a folder.

Kombu's filesystem transport needs no server, which is what a reader's
laptop needs. Two things are changed here:

* Kombu creates each message file and only then writes to it, so a worker
  polling at that moment reads an empty file and dies (kombu issue 1551).
  Here a message is written under a temporary name and renamed into place,
  which is atomic, so a reader sees a whole message or nothing.
* A message is claimed by renaming it into a folder beside the queue (on the
  same file system, so exactly one worker wins), instead of moving it to the
  system's temporary folder, which may be another file system.

Use Redis or RabbitMQ in production: see the guide's "Running the worker".
"""
import os
import uuid
from pathlib import Path
from queue import Empty
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads


def transport_options(folder: Path, polling_interval: float = 0.05) -> dict:
    """Broker transport options for messages kept under ``folder``."""
    folder = Path(folder).resolve()
    messages = folder / "messages"
    return {
        "data_folder_in": str(messages),
        "data_folder_out": str(messages),
        # Absolute, so that `celery inspect` finds the same control folder.
        "control_folder": str(folder / "control"),
        "claimed_folder": str(folder / "claimed"),
        "polling_interval": polling_interval,
    }


class Channel(filesystem.Channel):
    """Filesystem channel that never shows a half-written message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for folder in (self.data_folder_out, self.data_folder_in, self.claimed_folder):
            os.makedirs(folder, exist_ok=True)

    @property
    def claimed_folder(self):
        return self.transport_options.get(
            "claimed_folder", os.path.join(self.data_folder_in, os.pardir, "claimed")
        )

    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        # The temporary name does not end in ".msg", so no reader picks it up.
        partial = final + ".part"
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add message {final!r}: {exc}") from exc

    def _get(self, queue):
        suffix = f".{queue}.msg"
        for name in sorted(os.listdir(self.data_folder_in)):
            if name.partition(".")[2] != suffix[1:]:
                continue
            claimed = os.path.join(self.claimed_folder, name)
            try:
                os.rename(os.path.join(self.data_folder_in, name), claimed)
            except FileNotFoundError:
                continue  # another worker claimed it first
            try:
                with open(claimed, "rb") as f:
                    payload = f.read()
                os.remove(claimed)
            except OSError as exc:
                raise ChannelError(f"Cannot read message {claimed!r}: {exc}") from exc
            return loads(bytes_to_str(payload))
        raise Empty()


class Transport(filesystem.Transport):
    Channel = Channel
    driver_type = driver_name = "filesystem"
    can_parse_url = True  # so that as_uri() below names it in the banner

    @property
    def default_connection_params(self):
        return {}  # no host to connect to, and no warning that none was given

    def drain_events(self, connection, timeout=None):
        # The worker polls with a 2 s timeout and only then sees a request to
        # stop; a shorter wait makes Ctrl+C take a moment instead of seconds.
        if timeout is not None:
            timeout = min(timeout, 0.25)
        return super().drain_events(connection, timeout=timeout)

    def as_uri(self, uri, include_password=False, mask="**"):
        folder = self.client.transport_options.get("data_folder_in", "")
        return f"filesystem:// (embedded, {os.path.dirname(folder)})"
