"""A fake Telegram Bot API on 127.0.0.1 for tests and the local demo.

python-telegram-bot talks to it over real HTTP (`base_url`), and a driver plays the users.
"""

from fake_telegram.botapi import BotApiError, FakeBotApi
from fake_telegram.driver import BotMessage, BotObserver, DriverError, TelegramChannel, TelegramGroup, TelegramUser
from fake_telegram.runner import FakeTelegramServer

__all__ = [
    "BotApiError",
    "BotMessage",
    "BotObserver",
    "DriverError",
    "FakeBotApi",
    "FakeTelegramServer",
    "TelegramChannel",
    "TelegramGroup",
    "TelegramUser",
]
