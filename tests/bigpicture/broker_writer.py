"""A message writer for test_filesystem_broker, run in its own process as the web server is."""

from kombu import Connection

# A payload whose JSON takes a while to write, as a big task's arguments might.
PAYLOAD = {"body": ["x" * 100] * 50_000}


def channel(folder: str):
    return Connection(transport="bigpicture.broker:Transport", transport_options={
        "data_folder_in": folder, "data_folder_out": folder}).channel()


def write(folder: str, count: int) -> None:
    writer = channel(folder)
    for n in range(count):
        writer._put("q", {**PAYLOAD, "n": n})
