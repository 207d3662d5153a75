"""One module per feature, each with its `router`; admin/app.py includes them all."""
