"""`TranslationCacheEntry`: a translation made once and served again, by machine or corrected by staff."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.models.base import Base, UTCDateTime, utcnow


class TranslationCacheEntry(Base):
    """Keyed by language pair, model version and a SHA-256 of the source text; `curated` rows (a person wrote
    or corrected them) win over machine rows of any model version."""

    __tablename__ = "translation_cache"
    __table_args__ = (UniqueConstraint("source_language", "target_language", "source_hash", "model_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_language: Mapped[str] = mapped_column(String(16))
    target_language: Mapped[str] = mapped_column(String(16))
    source_hash: Mapped[str] = mapped_column(String(64), index=True)
    model_version: Mapped[str] = mapped_column(String(200))  # "curated" for staff-corrected rows
    source_text: Mapped[str] = mapped_column(Text)
    translated_text: Mapped[str] = mapped_column(Text)
    curated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
