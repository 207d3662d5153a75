"""The shipped knowledge base is complete and valid; broken content is reported with file and line."""

import re
import shutil
from pathlib import Path

import pytest
import yaml

from knowledge import DATA_DIR, LANGUAGES, check_knowledge_base

REQUIRED_IDS = """
address-registration residence-permit-extension asylum-benefits citizens-income-jobcenter integration-course
recognition-qualifications work-permit job-search housing-search health-insurance emergency childcare-kita
school-enrolment family-reunification naturalisation migration-counselling coordination-office book-appointment
talk-to-person return-counselling interpreter volunteering events-cafe driving-licence bank-account
anti-discrimination domestic-violence ukraine-temporary-protection public-transport child-benefit mental-health
data-protection asylum-procedure
""".split()

# The only phone numbers an answer may contain: checked nationwide numbers (see organisations.yaml).
ALLOWED_NUMBERS = {"112", "110", "116117", "116 016", "0800 111 0 111", "0800 111 0 222", "0800 546 546 5"}


def test_shipped_knowledge_base_is_valid(kb) -> None:
    problems = check_knowledge_base()[1]
    assert problems == []


def test_all_required_entries_exist_in_all_seven_languages(kb) -> None:
    assert len(REQUIRED_IDS) == 33
    for entry_id in REQUIRED_IDS:
        entry = kb.get(entry_id)
        assert entry is not None, entry_id
        assert set(entry.texts) == set(LANGUAGES), entry_id
        for text in entry.texts.values():
            assert 20 <= len(text.answer) <= 800
            assert len(text.questions) >= 5 and len(text.keywords) >= 5


def test_every_entry_names_an_office_and_an_official_source(kb) -> None:
    for entry in kb.entries.values():
        assert entry.organisations and all(org in kb.organisations for org in entry.organisations)
        assert entry.sources and all(s.url.startswith("https://") for s in entry.sources)
        assert entry.reviewed.year >= 2026


def test_translations_are_honestly_marked_unreviewed(kb) -> None:
    for entry in kb.entries.values():
        for language, text in entry.texts.items():
            if language != "de":
                assert text.native_reviewed is False, (entry.id, language)


def test_no_invented_phone_numbers_in_answers(kb) -> None:
    phone_like = re.compile(r"(?<![\d.,])(?:\+?\d[\d ]{5,}\d|\d{3,})(?![\d.,])")
    for entry in kb.entries.values():
        for language, text in entry.texts.items():
            for match in phone_like.finditer(text.answer):
                number = match.group(0).strip()
                if (
                    re.fullmatch(r"(19|20)\d\d", number)
                    or len(number.replace(" ", "")) <= 4
                    and number not in {"112", "110"}
                ):
                    continue  # years, amounts like 1000 or 2290
                assert number in ALLOWED_NUMBERS or any(number in allowed for allowed in ALLOWED_NUMBERS), (
                    entry.id,
                    language,
                    number,
                )


def test_sample_organisations_have_no_phone_numbers(kb) -> None:
    for org in kb.organisations.values():
        if org.sample:
            assert org.phone is None, org.id
        else:
            assert org.source and org.source.startswith("https://")


def test_every_language_has_emergency_words(kb) -> None:
    assert kb.emergency_entry is kb.get("emergency") and kb.emergency_entry.is_emergency
    for language in LANGUAGES:
        words = kb.emergency[language]
        assert words.cries and words.fillers and words.danger, language


def test_an_answer_whose_first_two_lines_are_too_long_is_reported(broken: Path) -> None:
    path = broken / "texts" / "de" / "money.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["entries"]["bank-account"]["answer"] = "Ein langer Satz. " * 8 + "\n" + "Noch einer. " * 7 + "\nDetails."
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    problems = check_knowledge_base(broken)[1]
    assert any(p.path == path and "first two lines" in p.message for p in problems), problems


def test_before_going_live_lists_the_facts_to_recheck(kb) -> None:
    rechecked = {entry.id for entry in kb.entries.values() if entry.recheck}
    # the entries resting on facts the fact sheet marks LIKELY or UNSURE, and the data-protection promises
    assert {"work-permit", "data-protection", "coordination-office", "asylum-procedure"} <= rechecked


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_unknown_organisation_points_at_file_and_line(broken: Path) -> None:
    path = broken / "entries" / "daily-life.yaml"
    _replace(path, "buergerbuero", "rathaus-xyz")
    problems = check_knowledge_base(broken)[1]
    assert any(
        p.path == path and p.line == _line_of(path, "rathaus-xyz") and "unknown organisation 'rathaus-xyz'" in p.message
        for p in problems
    ), problems


def test_answer_too_long_points_at_the_answer(broken: Path) -> None:
    path = broken / "texts" / "tr" / "daily-life.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    answer:")
    path.write_text(
        text[:start] + "    answer: " + "x" * 900 + "\n    answer_was:" + text[start + len("    answer:") :],
        encoding="utf-8",
    )
    problems = check_knowledge_base(broken)[1]
    messages = [str(p) for p in problems if p.path == path]
    assert any("answer" in m and "800" in m for m in messages), messages
    assert any("answer_was" in m and "Extra inputs" in m for m in messages), messages


def test_missing_language_is_reported_per_entry(broken: Path) -> None:
    (broken / "texts" / "fa" / "money.yaml").unlink()
    problems = check_knowledge_base(broken)[1]
    assert any("child-benefit" in p.message and "fa" in p.message and p.path.name == "money.yaml" for p in problems), (
        problems
    )


def test_duplicate_example_question_across_entries(broken: Path) -> None:
    path = broken / "texts" / "de" / "daily-life.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "    questions:\n"
    first = text.index(marker) + len(marker)
    first_question = text[first : text.index("\n", first)]
    second = text.index(marker, first) + len(marker)
    path.write_text(text[:second] + first_question + "\n" + text[second:], encoding="utf-8")
    problems = check_knowledge_base(broken)[1]
    assert any("is also an example of" in p.message and p.path == path for p in problems), problems


def test_yaml_syntax_error_has_a_line(broken: Path) -> None:
    path = broken / "organisations.yaml"
    _replace(path, "  - id: buergerbuero", "  - id: [buergerbuero")
    problems = check_knowledge_base(broken)[1]
    assert problems and problems[0].path == path and problems[0].line > 1 and "YAML" in problems[0].message


def test_unknown_field_and_bad_date(broken: Path) -> None:
    path = broken / "entries" / "support.yaml"
    reviewed = re.search(r"reviewed: \d{4}-\d{2}-\d{2}", path.read_text(encoding="utf-8"))
    assert reviewed is not None
    _replace(path, reviewed.group(), "reviewed: 2099-01-01")
    problems = check_knowledge_base(broken)[1]
    assert any(p.path == path and "future" in p.message and p.line == _line_of(path, "2099-01-01") for p in problems), (
        problems
    )
