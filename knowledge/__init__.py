"""The curated knowledge base: YAML content in `data/` plus the code that loads and validates it."""

from intents.matcher import Document
from knowledge.loader import DATA_DIR, KnowledgeBaseError, Problem, check_knowledge_base, load_knowledge_base
from knowledge.model import LANGUAGES, EntryText, KnowledgeBase, KnowledgeEntry, Organisation, Source


def matcher_documents(kb: KnowledgeBase) -> list[Document]:
    """Every entry in every language, in the shape the matcher indexes."""
    return [
        Document(
            entry_id=entry.id,
            language=lang,
            title=text.title,
            questions=text.questions,
            keywords=text.keywords,
        )
        for entry in kb.entries.values()
        for lang, text in entry.texts.items()
    ]


__all__ = [
    "DATA_DIR",
    "LANGUAGES",
    "EntryText",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "KnowledgeEntry",
    "Organisation",
    "Problem",
    "Source",
    "check_knowledge_base",
    "load_knowledge_base",
    "matcher_documents",
]
