"""Text normalisation: the same word typed differently must fold to the same form."""

import pytest

from intents.normalize import normalize, tokens


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("الإقامة", "الاقامه"),  # hamza on alef, teh marbuta
        ("أريد", "اريد"),
        ("مـــرحبا", "مرحبا"),  # tatweel
        ("مَدْرَسَة", "مدرسه"),  # harakat
        ("طوارئ", "طوارىء"),  # hamza forms
        ("کارت بانکی", "كارت بانكي"),  # Persian keheh and yeh vs Arabic kaf and yeh
        ("می‌خواهم", "میخواهم"),  # zero-width non-joiner
        ("۱۱۲", "112"),  # Persian digits
        ("١١٢", "112"),  # Arabic-Indic digits
        ("Ausländerbehörde", "auslanderbehorde"),
        ("STRASSE", "straße"),
        ("İkamet İzni", "ikamet izni"),
        ("başvuru ödeme", "basvuru odeme"),  # Turkish typed without Turkish letters
        ("ёлка", "елка"),
        ("ґанок", "ганок"),
        ("Wo?! ... mache, ich: Anmeldung", "wo mache ich anmeldung"),
        ("він мене б'є", "він мене бʼє"),  # Ukrainian apostrophe typed three ways
        ("сім’ї", "сімї"),
    ],
)
def test_variants_fold_to_the_same_text(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


def test_stop_words_of_all_languages_are_dropped_but_content_stays() -> None:
    assert tokens("Wo mache ich die Anmeldung?") == ("anmeldung",)
    assert tokens("where can I get the kindergeld") == ("kindergeld",)
    assert "anmeldung" in tokens("وين بعمل Anmeldung للبيت")


def test_arabic_clitics_are_stripped_consistently() -> None:
    assert tokens("للبيت") == tokens("البيت")
    assert tokens("والإقامة") == tokens("الاقامة")


def test_greetings_inside_a_question_do_not_count_as_content() -> None:
    assert tokens("Hallo, Kindergeld Antrag") == tokens("Kindergeld Antrag")
