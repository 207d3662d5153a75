"""The typed context every handler receives: `context.services` and `context.signer`, not a dict.

python-telegram-bot builds one `LotseContext` per update (see `ContextTypes` in application.py); the
services and the button signer live on the `LotseApplication` that `bot/runtime.py` builds.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.services import ServiceContext
from bot.telegram.callbacks import CallbackSigner


class LotseContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def lotse(self) -> LotseApplication:
        application = self.application
        assert isinstance(application, LotseApplication), "handlers run inside a LotseApplication"
        return application

    @property
    def services(self) -> ServiceContext:
        return self.lotse.services

    @property
    def signer(self) -> CallbackSigner:
        return self.lotse.signer


class LotseApplication(
    Application[ExtBot[None], LotseContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], JobQueue[LotseContext]]
):
    """python-telegram-bot's Application, carrying what the handlers need."""

    def __init__(self, *, services: ServiceContext, signer: CallbackSigner, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        self.signer = signer
