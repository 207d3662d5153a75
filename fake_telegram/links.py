"""Which `<a href>` targets Telegram keeps, and how it rewrites them (after tdlib's LinkManager).

A link Telegram cannot use is not an error: the text stays, the link entity is dropped. An address
without a scheme gets `http://`, an empty path becomes `/`, and `tg://user?id=N` is a mention of user N.
"""

from __future__ import annotations

import re

_ALLOWED_URL_PART = re.compile(r"[A-Za-z0-9.\-_!$,~*'();&+=]")
_IPV6_HOST = re.compile(r"\[[0-9a-f:.]+\]")


def link_user_id(url: str) -> int | None:
    """The user a `tg://user?id=N` link mentions, else None."""
    lowered = url.lower()
    if not lowered.startswith("tg:"):
        return None
    rest = lowered[3:].removeprefix("//")
    if not rest.startswith("user") or (len(rest) > 4 and rest[4] not in "/?#"):
        return None
    rest = rest[4:].removeprefix("/")
    if not rest.startswith("?"):
        return None
    for parameter in rest[1:].split("#", 1)[0].split("&"):
        key, _, value = parameter.partition("=")
        if key == "id":
            if not re.fullmatch(r"-?[0-9]{1,19}", value):
                return None
            user_id = int(value)
            return user_id if 0 < user_id < 2**52 else None
    return None


def checked_link(url: str) -> str:
    """The link as Telegram stores it in a text_link entity, or "" if Telegram drops it."""
    lowered = url.lower()
    for scheme in ("tg", "ton", "tonsite"):
        if lowered.startswith(scheme + ":"):
            return _internal_link(scheme, url[len(scheme) + 1 :].removeprefix("//"))
    parsed = _parse_url(url)
    if parsed is None:
        return ""
    scheme, userinfo, host, port, path = parsed
    if "." not in host and not host.startswith("["):
        return ""  # "Wrong HTTP URL": Telegram wants a domain with a dot
    return f"{scheme}://{userinfo + '@' if userinfo else ''}{host}{f':{port}' if port else ''}{path}"


def _internal_link(scheme: str, rest: str) -> str:
    parsed = _parse_url(rest)
    if parsed is None or rest.lower().startswith("http://"):
        return ""
    protocol, userinfo, host, port, path = parsed
    if protocol == "https" or userinfo or port or host.startswith("["):
        return ""
    if not all(c.isascii() and (c.isalnum() or c in "-_" or (scheme == "tonsite" and c == ".")) for c in host):
        return ""
    if path.startswith("/?"):
        path = path[1:]
    return f"{scheme}://{host}{path}"


def _parse_url(url: str) -> tuple[str, str, str, int, str] | None:
    """(scheme, userinfo, host, port or 0, path with query) like tdlib's parse_url, or None if invalid."""
    match = re.match(r"[^:/?#@\[\]]*", url)
    assert match is not None
    scheme = "http"
    rest = url
    if url[match.end() : match.end() + 3] == "://":
        scheme = match.group().lower()
        if scheme not in ("http", "https"):
            return None
        rest = url[match.end() + 3 :]
    authority_end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    authority, path = rest[:authority_end], rest[authority_end:]
    port = 0
    colon = max(authority.rfind(":"), authority.rfind("]"), authority.rfind("@"))
    if colon > 0 and authority[colon] == ":":
        digits = authority[colon + 1 :].lstrip("0") or "0"
        port = int(digits) if digits.isdigit() and digits.isascii() and len(digits) <= 9 else -1
        if port <= 0 or port > 65535:
            return None
        authority = authority[:colon]
    userinfo, _, host = authority.rpartition("@")
    host = host.lower()
    if not host or host == ".":
        return None
    if host.startswith("[") and host.endswith("]"):
        if not _IPV6_HOST.fullmatch(host):
            return None
    elif not (_url_part_ok(host, colon_ok=False) and _url_part_ok(userinfo, colon_ok=True)):
        return None
    path = path.rstrip(" \t\r\n\v\0") or "/"
    if not path.startswith("/"):
        path = "/" + path
    path = "".join(f"%{ord(c):02X}" if ord(c) <= 0x20 else c for c in path)
    return scheme, userinfo, host, port, path


def _url_part_ok(part: str, *, colon_ok: bool) -> bool:
    i = 0
    while i < len(part):
        c = part[i]
        if c == "%":
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", part[i + 1 : i + 3]):
                return False
            i += 3
            continue
        if not (_ALLOWED_URL_PART.fullmatch(c) or (colon_ok and c == ":") or ord(c) >= 128):
            return False
        i += 1
    return True
