"""The staff web app (FastAPI + Jinja2): log in, the queue of hand-overs, staff accounts and the audit log.

`create_app(ctx)` builds it on the same services as the bot; `lotse admin` serves it (see bot/runtime.py).
"""

from admin.app import create_app

__all__ = ["create_app"]
