"""The matcher on a small hand-written knowledge base: what a user notices (answer, suggestions, nothing)."""

from __future__ import annotations

import pytest

from intents.emergency import EmergencyDetector, EmergencyWords
from intents.matcher import Document, Matcher, MatchResult

ANSWER, SUGGEST = 55.0, 43.0
EMERGENCY_WORDS = {
    "de": EmergencyWords(cries=("hilfe", "notfall", "112", "110"), fillers=("bitte",), danger=("atmet nicht",)),
    "uk": EmergencyWords(cries=("допоможіть", "помогите"), fillers=("будь", "ласка"), danger=("не дихає",)),
}

# The Arabic and Ukrainian entries deliberately never mention "Kindergeld": it can only come from the German pool.
DOCUMENTS = [
    Document("kindergeld", "de", "Kindergeld beantragen", ["Wie beantrage ich Kindergeld?"], ["Familienkasse"]),
    Document("anmeldung", "de", "Wohnung anmelden (Anmeldung)", ["Wo mache ich die Anmeldung?"], ["Bürgeramt"]),
    Document("bank-account", "de", "Bankkonto eröffnen", ["Wie eröffne ich ein Konto?"], ["Girokonto"]),
    Document("emergency", "de", "Notruf 112", ["Wen rufe ich im Notfall an?"], ["Krankenwagen"]),
    Document("kindergeld", "en", "Apply for child benefit", ["How do I apply for child benefit?"], ["benefit"]),
    Document("anmeldung", "en", "Register your address", ["Where do I register my address?"], ["registration"]),
    Document("bank-account", "en", "Open a bank account", ["How do I open a bank account?"], ["bank"]),
    Document("emergency", "en", "Emergency numbers", ["Who do I call in an emergency?"], ["ambulance"]),
    Document("kindergeld", "ar", "إعانة الأطفال", ["كيف أقدم طلب إعانة الأطفال؟"], ["إعانة"]),
    Document("anmeldung", "ar", "تسجيل السكن", ["أين أسجل عنواني؟"], ["تسجيل"]),
    Document("bank-account", "ar", "فتح حساب بنكي", ["كيف أفتح حسابا في البنك؟"], ["حساب"]),
    Document("emergency", "ar", "أرقام الطوارئ", ["بمن أتصل في حالة الطوارئ؟"], ["إسعاف"]),
    Document("kindergeld", "uk", "Допомога на дітей", ["Як отримати допомогу на дітей?"], ["допомога"]),
    Document("anmeldung", "uk", "Реєстрація місця проживання", ["Де зареєструвати адресу?"], ["реєстрація"]),
    Document("bank-account", "uk", "Відкрити банківський рахунок", ["Як відкрити рахунок у банку?"], ["рахунок"]),
    Document("emergency", "uk", "Екстрені номери", ["Кому дзвонити в надзвичайній ситуації?"], ["швидка"]),
]


@pytest.fixture(scope="module")
def small_matcher() -> Matcher:
    return Matcher(
        DOCUMENTS,
        answer_threshold=ANSWER,
        suggest_threshold=SUGGEST,
        emergency=EmergencyDetector(EMERGENCY_WORDS),
        emergency_entry="emergency",
    )


def score_of(result: MatchResult, entry_id: str) -> float:
    return next((c.score for c in result.candidates if c.entry_id == entry_id), 0.0)


@pytest.mark.parametrize(
    ("question", "language", "entry_id"),
    [
        ("Wie beantrage ich Kindergeld?", "de", "kindergeld"),
        ("How do I open a bank account?", "en", "bank-account"),
        ("أين أسجل عنواني؟", "ar", "anmeldung"),
        ("Де зареєструвати адресу?", "uk", "anmeldung"),
    ],
)
def test_example_question_is_answered(small_matcher: Matcher, question: str, language: str, entry_id: str) -> None:
    result = small_matcher.match_question(question, language)
    assert (result.decision, result.language, result.emergency) == ("answer", language, False)
    assert result.top is not None and result.top.entry_id == entry_id
    assert result.top.score >= ANSWER


@pytest.mark.parametrize(
    ("question", "language", "entry_id", "control"),
    [
        ("Kindergelt beantragen", "de", "kindergeld", "Wetter beantragen"),  # typo at the end (shared prefix)
        ("Kimdergeld beantragen", "de", "kindergeld", "Wetter beantragen"),  # typo inside (edit distance)
        ("Відкриття рахунку", "uk", "bank-account", "Відкриття погоди"),  # inflection (рахунок -> рахунку)
        ("Registering my address", "en", "anmeldung", "Weather my address"),  # inflection (register -> registering)
        ("Sparkonto eröffnen", "de", "bank-account", "Wetter eröffnen"),  # compound ending in a known word (Konto)
    ],
)
def test_typos_inflections_and_compounds_count(
    small_matcher: Matcher, question: str, language: str, entry_id: str, control: str
) -> None:
    result = small_matcher.match_question(question, language)
    assert result.decision == "answer"
    assert result.top is not None and result.top.entry_id == entry_id
    # The same question with an unknown word in place of the misspelt/inflected one must score lower.
    assert result.top.score > score_of(small_matcher.match_question(control, language), entry_id)


@pytest.mark.parametrize(
    ("question", "language"), [("wie wird das Wetter morgen", "de"), ("what will the weather be like tomorrow", "en")]
)
def test_out_of_scope_question_gets_nothing(small_matcher: Matcher, question: str, language: str) -> None:
    result = small_matcher.match_question(question, language)
    assert result.decision == "none"
    assert result.top is None and result.candidates == ()


def test_decision_follows_the_thresholds(small_matcher: Matcher) -> None:
    question = "Kindergeld"
    top = small_matcher.match_question(question, "de").top
    assert top is not None and top.entry_id == "kindergeld"
    s = top.score
    bands = {"answer": (s, s - 1), "suggest": (s + 1, s - 1), "none": (s + 2, s + 1)}
    for expected, (answer_at, suggest_at) in bands.items():
        result = Matcher(DOCUMENTS, answer_threshold=answer_at, suggest_threshold=suggest_at).match_question(
            question, "de"
        )
        assert result.decision == expected, (answer_at, suggest_at)
        assert [c.entry_id for c in result.candidates] == ([] if expected == "none" else ["kindergeld"])


def test_suggestions_are_sorted_and_capped_at_three() -> None:
    question = "Bank Konto Kindergeld Anmeldung Krankenwagen"  # touches all four entries, no trigger
    capped = Matcher(DOCUMENTS, answer_threshold=101, suggest_threshold=0).match_question(question, "de")
    uncapped = Matcher(DOCUMENTS, answer_threshold=101, suggest_threshold=0, max_suggestions=10)
    everything = uncapped.match_question(question, "de").candidates
    assert len(everything) == 4
    scores = [c.score for c in everything]
    assert scores == sorted(scores, reverse=True)
    assert capped.decision == "suggest"
    assert capped.candidates == everything[:3]


def test_german_word_in_arabic_question_uses_the_german_pool(small_matcher: Matcher) -> None:
    result = small_matcher.match_question("لو سمحت كيف اعمل Kindergeld؟", "ar")
    assert result.language == "ar"  # matched in the Arabic pool, not by switching language
    assert result.decision != "none"
    assert result.top is not None and result.top.entry_id == "kindergeld"


@pytest.mark.parametrize(
    ("question", "language"),
    [("Hilfe!", "ar"), ("112", "ar"), ("допоможіть, будь ласка", "uk"), ("Er atmet nicht, Kindergeld", "de")],
)
def test_a_cry_for_help_is_decided_as_emergency(small_matcher: Matcher, question: str, language: str) -> None:
    result = small_matcher.match_question(question, language)
    assert result.emergency is True and result.decision == "emergency"
    assert result.top is not None and result.top.entry_id == "emergency"


@pytest.mark.parametrize(
    ("question", "language"), [("Notfall! Kindergeld beantragen", "de"), ("Kindergeld 110 Euro", "de")]
)
def test_words_of_a_cry_inside_a_question_are_no_emergency(
    small_matcher: Matcher, question: str, language: str
) -> None:
    result = small_matcher.match_question(question, language)
    assert not result.emergency and result.decision != "emergency"
    assert result.top is not None and result.top.entry_id == "kindergeld"


@pytest.mark.parametrize(
    ("question", "language"), [("Як відкрити рахунок у банку?", "uk"), ("كيف أفتح حسابا في البنك؟", "ar")]
)
def test_language_detection_when_none_is_given(small_matcher: Matcher, question: str, language: str) -> None:
    # Script rules decide these without lingua: Ukrainian letters (і), Arabic script without Persian in the index.
    result = small_matcher.match_question(question, None)
    assert result.language == language and result.decision == "answer"
    assert result.top is not None and result.top.entry_id == "bank-account"


def test_question_in_another_indexed_language_is_still_answered(small_matcher: Matcher) -> None:
    result = small_matcher.match_question("فتح حساب بنكي", "de")  # Telegram said German, the user wrote Arabic
    assert (result.language, result.decision) == ("ar", "answer")
    assert result.top is not None and result.top.entry_id == "bank-account"


def test_matcher_without_documents_finds_nothing() -> None:
    empty = Matcher([], answer_threshold=ANSWER, suggest_threshold=SUGGEST)
    for language in ("de", None):
        result = empty.match_question("Kindergeld", language)
        assert result.decision == "none" and result.candidates == ()
    assert empty.explain("Kindergeld", "de") == []


def test_explain_shows_what_each_word_matched(small_matcher: Matcher) -> None:
    rows = {
        token: (weight, detail) for token, weight, detail in small_matcher.explain("Kimdergeld beantragen Wetter", "de")
    }
    assert list(rows) == ["kimdergeld", "beantragen", "wetter"]
    typo_weight, typo_detail = rows["kimdergeld"]
    assert 0.0 < typo_detail["kindergeld→kindergeld"] < 1.0  # a typo matches, but less than exactly
    assert rows["beantragen"][1]["beantragen→kindergeld"] == 1.0  # exact word of the title
    unknown_weight, unknown_detail = rows["wetter"]
    assert unknown_detail == {} and unknown_weight >= typo_weight > 0.0  # unknown words weigh like the rarest ones
