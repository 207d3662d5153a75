"""Everything the user reads, in their language: gettext catalogs for the UI.

(The offline machine translation service joins this package with issue #3.)
"""

from translations.catalog import LANGUAGE_NAMES, N_, catalog_languages, ntranslator, po_path, translations, translator

__all__ = ["LANGUAGE_NAMES", "N_", "catalog_languages", "ntranslator", "po_path", "translations", "translator"]
