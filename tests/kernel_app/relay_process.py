"""Runs the outbox relay of a kernel-app database as its own process, for fault tests.

``python -m tests.kernel_app.relay_process <database url> <nats url>``; the fault to
inject comes from ``COMITY_FAULT`` exactly as in a service.
"""

from __future__ import annotations

import asyncio
import sys

import nats
from sqlalchemy.engine import make_url

from shared.outbox import OutboxRelay, fault_from_environment


async def main(database_url: str, nats_url: str) -> None:
    connection = await nats.connect(nats_url)
    relay = OutboxRelay(
        make_url(database_url),
        connection.jetstream,
        service="testsvc",
        poll_interval=0.2,
        fault=fault_from_environment(),
    )
    await relay.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
