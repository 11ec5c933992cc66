"""NATS users for a server Comity runs itself: each service publishes only its own subjects.

docs/architecture.md "Events": each service connects as its own user, allowed to publish its
own events (``comity.<service>.>``), dead letters, replies and the JetStream
calls a consumer makes — never another service's events, and never stream
administration, which is the operator's (``comity events provision|replay``).
Subscriptions stay open: what a service may *read* is decided by the streams
and consumers provisioned for it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from contracts.catalog import REQUEST_SUBJECTS
from deploy import catalog

OPERATOR = "operator"

# What a consumer and a publisher need of the JetStream API, and no more.
_JETSTREAM_CLIENT = (
    "$JS.API.INFO",
    "$JS.API.STREAM.INFO.>",
    "$JS.API.CONSUMER.INFO.>",
    "$JS.API.CONSUMER.MSG.NEXT.>",
    "$JS.ACK.>",
)


def publish_allowed(service: str) -> list[str]:
    return [
        f"comity.{service}.>",
        "comity.dlq.>",
        "_INBOX.>",
        *REQUEST_SUBJECTS,
        *_JETSTREAM_CLIENT,
    ]


def development_password(user: str) -> str:
    """The password of a user on the server `make run` starts: development only, loopback
    only; the services refuse development secrets outside dev and test."""
    return f"dev-only-{user}"


def server_config(services: Sequence[str], passwords: Mapping[str, str]) -> str:
    """The server's configuration (NATS reads JSON) with one user per service and the
    operator, who may do anything."""
    users: list[dict[str, Any]] = [
        {
            "user": service,
            "password": passwords[service],
            "permissions": {
                "publish": {"allow": publish_allowed(service)},
                "subscribe": {"allow": [">"]},
            },
        }
        for service in services
    ]
    users.append({"user": OPERATOR, "password": passwords[OPERATOR]})
    return json.dumps({"authorization": {"users": users}}, indent=2)


# The development server's users, for `make run` and docker-compose.yml (which mounts
# this file); `python -m deploy.nats` writes it from the catalogue, and a test fails
# when the committed file differs.
DEVELOPMENT_CONFIG = Path(__file__).parent / "nats-development.conf"


def development_config() -> str:
    users = [part.name for part in catalog.PARTS]
    return server_config(users, {u: development_password(u) for u in [*users, OPERATOR]}) + "\n"


if __name__ == "__main__":
    DEVELOPMENT_CONFIG.write_text(development_config())
