"""Everything the user reads, in their language.

- `catalog`: gettext catalogs (Babel) for every UI string;
- `machine`: offline machine translation with Argos Translate (optional extra `lotse-bot[mt]`);
- `service`: the one `translate(text, source, target)` interface: curated text, then the cache, then Argos.
"""

from translations.catalog import LANGUAGE_NAMES, N_, catalog_languages, po_path, translations, translator

__all__ = ["LANGUAGE_NAMES", "N_", "catalog_languages", "po_path", "translations", "translator"]
