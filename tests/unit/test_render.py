"""Rendering rules users notice: splitting, right-to-left lines, escaping, hours."""

from bot.telegram.render import RLM, split_paragraphs


def test_short_paragraphs_stay_in_one_message() -> None:
    assert split_paragraphs(["a", "b"], 4096) == ["a\n\nb"]


def test_long_reply_is_split_at_paragraph_boundaries() -> None:
    paragraphs = [f"{i} " + "x" * 1500 for i in range(6)]
    parts = split_paragraphs(paragraphs, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert len(parts) == 3
    assert "\n\n".join(parts) == "\n\n".join(paragraphs)  # nothing lost, cut only between paragraphs


def test_oversized_paragraph_is_cut_at_spaces_not_inside_entities() -> None:
    paragraph = " ".join(["&lt;word&gt;"] * 1000)
    parts = split_paragraphs([paragraph], 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert all(p.startswith("&lt;") and p.endswith("&gt;") for p in parts)
    assert " ".join(parts) == paragraph


def test_rtl_mark_constant() -> None:
    assert RLM == "\u200f"


def test_a_machine_translated_interface_marks_every_message_and_explains_the_mark() -> None:
    from bot.telegram.callbacks import CallbackSigner
    from bot.telegram.render import MACHINE_MARK, Renderer
    from bot.telegram.render.base import NOTE_MACHINE_INTERFACE
    from knowledge import KnowledgeBase
    from translations.catalog import register_machine_catalog

    register_machine_catalog(
        "so", {NOTE_MACHINE_INTERFACE: "Qoraalladan waa tarjumaad mashiin.", "start again": "mar kale bilow"}
    )
    signer = CallbackSigner(b"secret")
    somali = Renderer(KnowledgeBase({}, {}), signer, 1, "so")
    welcome = somali.welcome()[0].html
    assert welcome.startswith(MACHINE_MARK) and "Qoraalladan waa tarjumaad mashiin." in welcome
    help_text = somali.help()[0].html
    assert help_text.startswith(MACHINE_MARK) and "mar kale bilow" in help_text

    for curated in ("de", "ar", "en"):
        for reply in (
            Renderer(KnowledgeBase({}, {}), signer, 1, curated).welcome()
            + Renderer(KnowledgeBase({}, {}), signer, 1, curated).help()
        ):
            assert MACHINE_MARK.strip() not in reply.html  # curated catalogs carry no machine mark
