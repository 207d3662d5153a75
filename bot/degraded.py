"""Warnings about degraded paths, rate-limited so that someone notices without drowning in them.

A failing translation model or a Telegram outage degrades the bot quietly: users still get an answer
(the German or English original, a retry later), so without a log line nobody would know. One warning
per kind of failure per interval is enough; the next one says how many were left out in between.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import ClassVar

DEFAULT_INTERVAL_SECONDS = 300.0


class DegradedLog:
    _instances: ClassVar[weakref.WeakSet[DegradedLog]] = weakref.WeakSet()

    def __init__(
        self,
        logger: logging.Logger,
        *,
        interval_seconds: float = DEFAULT_INTERVAL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval_seconds = interval_seconds
        self.clock = clock
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()  # the translator's worker thread may report too
        DegradedLog._instances.add(self)

    @classmethod
    def forget_all(cls) -> None:
        """Start every rate limit afresh (tests do this, so one test's warning does not hold back another's)."""
        for instance in list(cls._instances):
            with instance._lock:
                instance._last.clear()
                instance._suppressed.clear()

    def warning(self, key: str, message: str, *args: object, exc_info: BaseException | None = None) -> bool:
        """Log `message % args` as a warning unless `key` was logged within the interval; True if logged."""
        now = self.clock()
        with self._lock:
            last = self._last.get(key)
            if last is not None and now - last < self.interval_seconds:
                self._suppressed[key] = self._suppressed.get(key, 0) + 1
                return False
            self._last[key] = now
            suppressed = self._suppressed.pop(key, 0)
        if suppressed:
            message += f" ({suppressed} more like this since the last warning)"
        self.logger.warning(message, *args, exc_info=exc_info)
        return True
