"""The test servers are the real thing: JetStream on a current nats-server, PostgreSQL."""

from __future__ import annotations

import nats

from shared.servers import NatsServer, nats_server_binary


async def test_nats_is_the_wheels_server_with_jetstream(nats_server: NatsServer):
    assert nats_server.process is not None
    assert str(nats_server_binary()).endswith(
        ".venv/bin/nats-server"
    ) or "site-packages" not in str(nats_server_binary())
    connection = await nats.connect(nats_server.url)
    try:
        jetstream = connection.jetstream()
        await jetstream.add_stream(name="KERNEL_TEST", subjects=["kernel.test.>"])
        ack = await jetstream.publish("kernel.test.one", b"hello", headers={"Nats-Msg-Id": "m-1"})
        duplicate = await jetstream.publish(
            "kernel.test.one", b"hello", headers={"Nats-Msg-Id": "m-1"}
        )
        assert ack.seq == 1 and duplicate.duplicate
        message = await jetstream.get_msg("KERNEL_TEST", 1)
        assert message.data == b"hello"
        assert connection.connected_server_version.major >= 2
        assert connection.connected_server_version.minor >= 10
    finally:
        await connection.close()
