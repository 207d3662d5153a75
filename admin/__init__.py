"""Staff web app (FastAPI + Jinja2): the handover queue arrives with issue #5."""
