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
