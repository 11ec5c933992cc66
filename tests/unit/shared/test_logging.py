from __future__ import annotations

import json
import logging

import pytest
import structlog

from shared.correlation import bind_correlation_id
from shared.logging import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers, root.level = handlers, level
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


def test_log_lines_are_json_with_service_and_correlation_id(capsys, restore_logging):
    configure_logging("directory", "INFO")
    bind_correlation_id("corr-123")
    structlog.get_logger("test").info("authority updated", code="ES-MJ")
    logging.getLogger("comity.stdlib").warning("from the standard library")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["message"] == "authority updated"
    assert lines[0]["code"] == "ES-MJ"
    assert lines[0]["service"] == "directory"
    assert lines[0]["correlation_id"] == "corr-123"
    assert lines[0]["level"] == "info"
    assert lines[1]["message"] == "from the standard library"
    assert lines[1]["correlation_id"] == "corr-123"
