"""Degraded paths are logged so that someone notices, but not once per message."""

from __future__ import annotations

import logging

import pytest

from bot.degraded import DegradedLog


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_one_warning_per_kind_per_interval_then_the_count_of_what_was_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ticks = Ticks()
    degraded = DegradedLog(logging.getLogger("lotse-test.degraded"), interval_seconds=300, clock=ticks)
    with caplog.at_level(logging.WARNING, logger="lotse-test.degraded"):
        assert degraded.warning("failed:en>ps", "machine translation %s failed", "en->ps")
        for _ in range(4):
            ticks.now += 10
            assert not degraded.warning("failed:en>ps", "machine translation %s failed", "en->ps")
        assert degraded.warning("network", "Telegram is not reachable")  # another kind is not held back
        ticks.now += 300
        assert degraded.warning("failed:en>ps", "machine translation %s failed", "en->ps")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [
        "machine translation en->ps failed",
        "Telegram is not reachable",
        "machine translation en->ps failed (4 more like this since the last warning)",
    ]
    assert all(record.levelno == logging.WARNING for record in caplog.records)
