"""Files in the fake Telegram, with their bytes: what users send (photos, documents, voice, ...) and what
bots upload; getFile, and what Telegram's file server answers (`GET /file/bot<token>/<file_path>`).

As Telegram does it (telegram-bot-api's Client.cpp):
- getFile answers a File (`file_id`, `file_unique_id`, `file_size`, `file_path`) for a file id of this bot;
  an unknown one is 400 "Bad Request: invalid file_id"; a file over 20 MB (20 << 20 bytes) is 400
  "Bad Request: file is too big": bots cannot download it.
- `file_path` is `<folder>/file_<n>.<ext>` (`photos/file_0.png`, `documents/file_0.pdf`), numbered per
  folder in the order the bot first asks for files; the file server gives the bytes for the bot's token
  and that path, 401 Unauthorized for an unknown token and 404 Not Found for any other path.
- A photo is an image (JPEG, PNG, GIF or WebP) or 400 "Bad Request: IMAGE_PROCESS_FAILED".

Unlike Telegram, a photo keeps the bytes it was sent with (Telegram recompresses it to JPEG and adds
smaller sizes): `photo` has one PhotoSize, and a download gives back exactly what the user sent.
Media sent without content (`kind` only) get a small generated placeholder, so getFile works for them too.
"""

from __future__ import annotations

import itertools
import mimetypes
import re
import struct
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from fake_telegram.errors import BotApiError, bad_request

if TYPE_CHECKING:
    from fake_telegram.state import BotState

MAX_DOWNLOAD_SIZE = 20 << 20  # bytes: the most a bot may download (Telegram's MAX_DOWNLOAD_FILE_SIZE)
MAX_PHOTO_SIZE = 10 << 20  # bytes: bigger images reach Telegram as documents
MAX_UPLOAD_SIZE = 64 << 20  # bytes: the most a client may upload to this fake (Telegram: 2 GB), memory's sake
MAX_FILE_NAME = 255

FOLDERS = {"photo": "photos", "document": "documents", "voice": "voice", "video": "videos", "sticker": "stickers"}
PHOTO_FORMATS = {"jpeg": ("jpg", "image/jpeg"), "png": ("png", "image/png"), "gif": ("gif", "image/gif"),
                 "webp": ("webp", "image/webp")}  # fmt: skip
# What the file server and the client API send as Content-Type; anything else is application/octet-stream,
# so that an uploaded page or script is never served as one.
SAFE_CONTENT_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "audio/ogg", "video/mp4", "text/plain"}
)
_EXTENSION_RE = re.compile(r"^[a-z0-9]{1,10}$")


@dataclass(frozen=True)
class Upload:
    """A file a client sends: its bytes, and the name and MIME type its app gives (None: not given)."""

    content: bytes
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # photo, document, voice, video, sticker
    content: bytes = field(repr=False)
    extension: str  # for its file_path: "png", "pdf", "" (none)
    mime_type: str
    file_name: str | None = None
    file_path: str | None = None  # given by the first getFile
    downloads: int = 0  # from the file server (the bot), not from the client API

    @property
    def size(self) -> int:
        return len(self.content)

    def json(self) -> dict[str, Any]:
        """The File object of the Bot API."""
        data: dict[str, Any] = {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.size}
        if self.file_path is not None:
            data["file_path"] = self.file_path
        return data

    def summary(self) -> dict[str, Any]:
        """For the client API's `state`."""
        return {
            **self.json(),
            "kind": self.kind,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "downloads": self.downloads,
        }

    @property
    def content_type(self) -> str:
        """The Content-Type it is served with."""
        return self.mime_type if self.mime_type in SAFE_CONTENT_TYPES else "application/octet-stream"


@dataclass
class FileStore:
    """One bot's files, by file id and (once the bot asked for them) by file path."""

    by_id: dict[str, StoredFile] = field(default_factory=dict)
    by_path: dict[str, StoredFile] = field(default_factory=dict)
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _path_numbers: dict[str, itertools.count[int]] = field(default_factory=dict)

    def new(
        self, kind: str, content: bytes, *, extension: str, mime_type: str, file_name: str | None = None
    ) -> StoredFile:
        """A file with new ids, not yet kept (see `add`): a message that is refused leaves no file behind."""
        number = next(self._numbers)
        return StoredFile(
            file_id=f"{kind}{number}",
            file_unique_id=f"u{kind}{number}",
            kind=kind,
            content=content,
            extension=extension,
            mime_type=mime_type,
            file_name=file_name,
        )

    def add(self, file: StoredFile) -> None:
        self.by_id[file.file_id] = file

    def get_file(self, file_id: str) -> dict[str, Any]:
        """What getFile answers."""
        file = self.by_id.get(file_id)
        if file is None:
            raise bad_request("invalid file_id")
        if file.size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        if file.file_path is None:
            folder = FOLDERS[file.kind]
            number = next(self._path_numbers.setdefault(folder, itertools.count(0)))
            file.file_path = f"{folder}/file_{number}{f'.{file.extension}' if file.extension else ''}"
            self.by_path[file.file_path] = file
        return file.json()

    def download(self, file_path: str) -> StoredFile:
        """What the file server answers for a path of this bot (404 for any other)."""
        file = self.by_path.get(file_path)
        if file is None:
            raise BotApiError(404, "Not Found")
        file.downloads += 1
        return file


# --- what a user's message carries -----------------------------------------------------------------


def user_media(state: BotState, kind: str, upload: Upload | None) -> tuple[dict[str, Any], StoredFile | None]:
    """The message fields for a photo, document, voice, video, sticker or location a user sends (with the
    uploaded bytes, or a placeholder), and the file to keep once the message is accepted."""
    if upload is not None and kind not in ("photo", "document"):
        raise bad_request("only a photo or a document can be sent with content")
    if kind == "location":
        return {"location": {"latitude": 52.375, "longitude": 9.732}}, None
    if kind == "photo":
        content = upload.content if upload is not None else placeholder_png()
        return _photo(state, content)
    if kind == "document":
        if upload is None:
            upload = Upload(PLACEHOLDER_PDF, "scan.pdf", "application/pdf")
        return _document(state, upload)
    if kind == "voice":
        file = state.files.new("voice", PLACEHOLDER_OGG, extension="oga", mime_type="audio/ogg")
        return {"voice": {**_ids(file), "duration": 4, "mime_type": "audio/ogg", "file_size": file.size}}, file
    if kind == "video":
        file = state.files.new("video", PLACEHOLDER_MP4, extension="mp4", mime_type="video/mp4")
        video = {**_ids(file), "width": 320, "height": 240, "duration": 3, "file_size": file.size}
        return {"video": video}, file
    if kind == "sticker":
        file = state.files.new("sticker", PLACEHOLDER_WEBP, extension="webp", mime_type="image/webp")
        sticker = {
            **_ids(file),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
            "file_size": file.size,
        }
        return {"sticker": sticker}, file
    raise bad_request(f"unknown message kind {kind}")


def _photo(state: BotState, content: bytes) -> tuple[dict[str, Any], StoredFile]:
    image = image_info(content)
    if image is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    if len(content) > MAX_PHOTO_SIZE:
        raise bad_request("PHOTO_TOO_BIG: a photo is at most 10 MB (Telegram apps send bigger images as documents)")
    image_format, width, height = image
    extension, mime_type = PHOTO_FORMATS[image_format]
    file = state.files.new("photo", content, extension=extension, mime_type=mime_type)
    return {"photo": [{**_ids(file), "width": width, "height": height, "file_size": file.size}]}, file


def _document(state: BotState, upload: Upload) -> tuple[dict[str, Any], StoredFile]:
    name = upload.file_name or "document"
    mime_type = upload.mime_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    file = state.files.new(
        "document", upload.content, extension=extension_of(name), mime_type=mime_type, file_name=name
    )
    document = {**_ids(file), "file_name": name, "mime_type": mime_type, "file_size": file.size}
    return {"document": document}, file


def bot_document(state: BotState, document: Any) -> StoredFile:
    """The file of a bot's sendDocument: an upload, or a file id it knows (sent again, as Telegram allows).
    Anything else (a URL) becomes an empty file: this fake does not fetch URLs."""
    if isinstance(document, str):
        known = state.files.by_id.get(document)
        if known is not None:
            if known.kind != "document":
                raise bad_request(f"can't use file of type {known.kind.capitalize()} as Document")
            return known
        return _keep(state, _document(state, Upload(b"", "document"))[1])
    name = getattr(document, "filename", None) or "document"
    content = getattr(document, "content", b"") or b""
    upload = Upload(content, name, getattr(document, "content_type", None) or None)
    return _keep(state, _document(state, upload)[1])


def _keep(state: BotState, file: StoredFile) -> StoredFile:
    state.files.add(file)
    return file


def _ids(file: StoredFile) -> dict[str, str]:
    return {"file_id": file.file_id, "file_unique_id": file.file_unique_id}


def extension_of(file_name: str) -> str:
    """The extension a file path gets for this name ("pdf"; "" if it has none, or an odd one)."""
    _, dot, extension = file_name.rpartition(".")
    extension = extension.lower()
    return extension if dot and _EXTENSION_RE.match(extension) else ""


# --- images: the format and size from the header ------------------------------------------------------


def image_info(content: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a JPEG, PNG, GIF or WebP image; None if it is none of these."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and content[12:16] == b"IHDR" and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return _sized("png", width, height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return _sized("gif", width, height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg(content)
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return _webp(content)
    return None


def _sized(image_format: str, width: int, height: int) -> tuple[str, int, int] | None:
    return (image_format, width, height) if width > 0 and height > 0 else None


def _jpeg(content: bytes) -> tuple[str, int, int] | None:
    position = 2
    while position + 4 <= len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            position += 2
            continue
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):  # a start of frame
            if position + 9 > len(content):
                return None
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return _sized("jpeg", width, height)
        if marker == 0xDA or length < 2:  # image data before any frame header
            return None
        position += 2 + length
    return None


def _webp(content: bytes) -> tuple[str, int, int] | None:
    chunk = content[12:16]
    if chunk == b"VP8 " and len(content) >= 30 and content[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", content[26:30])
        return _sized("webp", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(content) >= 25 and content[20] == 0x2F:
        bits = int.from_bytes(content[21:25], "little")
        return _sized("webp", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    if chunk == b"VP8X" and len(content) >= 30:
        width = int.from_bytes(content[24:27], "little") + 1
        height = int.from_bytes(content[27:30], "little") + 1
        return _sized("webp", width, height)
    return None


# --- placeholders for media sent without content ---------------------------------------------------


def png(width: int, height: int, rgb: tuple[int, int, int] = (208, 228, 240)) -> bytes:
    """A PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + bytes(rgb) * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


@lru_cache(maxsize=1)
def placeholder_png() -> bytes:
    return png(320, 240)


PLACEHOLDER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
PLACEHOLDER_OGG = b"OggS\x00\x02" + bytes(22) + b"placeholder voice message of the fake Telegram"
PLACEHOLDER_MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"placeholder video of the fake Telegram"
# A 1x1 lossless WebP.
PLACEHOLDER_WEBP = bytes.fromhex("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")
