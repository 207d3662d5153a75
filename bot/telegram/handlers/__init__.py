"""Thin python-telegram-bot handlers, one module per feature: read the update, call one service, render, send.

They receive a typed `LotseContext` (`context.services`, `context.signer`) and never catch errors to hide
them: `errors.on_error` maps every error once.
"""
