"""The Bot API reference as data (see spec/README.md): parameter coercion and shape checks."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).resolve().parent / "spec" / "botapi.json"
_SCALARS = {"Integer", "String", "Boolean", "Float", "True", "InputFile"}


@lru_cache(maxsize=1)
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _methods_by_lower_name() -> dict[str, dict[str, Any]]:
    return {name.lower(): entry for name, entry in spec()["methods"].items()}


def method_fields(method: str) -> list[dict[str, Any]] | None:
    """The documented parameters of `method` (names are case-insensitive, as in the Bot API), or None."""
    entry = _methods_by_lower_name().get(method.lower())
    return None if entry is None else entry["fields"]


class ParameterError(ValueError):
    """A parameter Telegram would reject; the message is Telegram-like."""


def coerce_params(method: str, raw: dict[str, Any]) -> dict[str, Any]:
    """Typed parameters for `method` from form/query/JSON values (strings become ints, objects, ...)."""
    fields = {f["name"]: f for f in method_fields(method) or []}
    params: dict[str, Any] = {}
    for name, value in raw.items():
        field = fields.get(name)
        params[name] = _coerce(name, value, field["types"]) if field else value
    for name, field in fields.items():
        if field["required"] and (name not in params or params[name] in ("", None)):
            raise ParameterError(
                f"Bad Request: {name} is empty" if name != "text" else "Bad Request: message text is empty"
            )
    return params


def _coerce(name: str, value: Any, types: list[str]) -> Any:
    if not isinstance(value, str):
        return value
    for type_name in types:
        if type_name == "Integer":
            try:
                return int(value)
            except ValueError:
                continue
        elif type_name == "Float":
            try:
                return float(value)
            except ValueError:
                continue
        elif type_name in ("Boolean", "True"):
            lowered = value.lower()
            if lowered in ("true", "1"):
                return True
            if lowered in ("false", "0"):
                return False
        elif type_name in ("String", "InputFile"):
            return value
        else:  # an object or an array: sent JSON-serialised
            try:
                return json.loads(value)
            except json.JSONDecodeError as exc:
                raise ParameterError(f"Bad Request: can't parse {name} JSON object") from exc
    raise ParameterError(f"Bad Request: invalid {name} value")


def shape_problems(type_name: str, obj: Any, path: str = "") -> list[str]:
    """Where `obj` departs from the documented shape of `type_name` (unknown or missing fields, types)."""
    where = path or type_name
    types = spec()["types"]
    if type_name not in types:
        return [] if type_name in _SCALARS else [f"{where}: unknown type {type_name}"]
    entry = types[type_name]
    if entry.get("subtypes"):
        problems_by_subtype = [shape_problems(sub, obj, where) for sub in entry["subtypes"]]
        return [] if any(not p for p in problems_by_subtype) else min(problems_by_subtype, key=len)
    if not isinstance(obj, dict):
        return [f"{where}: expected an object"]
    fields = {f["name"]: f for f in entry["fields"]}
    problems = [f"{where}.{key}: not a field of {type_name}" for key in obj if key not in fields]
    for name, field in fields.items():
        if name not in obj:
            if field["required"]:
                problems.append(f"{where}.{name}: required field missing")
            continue
        problems.extend(_value_problems(field["types"], obj[name], f"{where}.{name}"))
    return problems


def _value_problems(type_names: list[str], value: Any, where: str) -> list[str]:
    attempts = [_one_type_problems(t, value, where) for t in type_names]
    return [] if any(not a for a in attempts) else attempts[0]


def _one_type_problems(type_name: str, value: Any, where: str) -> list[str]:
    if type_name.startswith("Array of "):
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        inner = type_name[len("Array of ") :]
        return [p for i, item in enumerate(value) for p in _one_type_problems(inner, item, f"{where}[{i}]")]
    checks = {
        "Integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "Float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "String": lambda v: isinstance(v, str),
        "Boolean": lambda v: isinstance(v, bool),
        "True": lambda v: v is True,
    }
    if type_name in checks:
        return [] if checks[type_name](value) else [f"{where}: expected {type_name}, got {type(value).__name__}"]
    return shape_problems(type_name, value, where)
