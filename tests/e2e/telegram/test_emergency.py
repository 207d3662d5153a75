"""Emergency first, end to end: a cry for help gets the short emergency card before anything else, in
every state (a new user, another language than the chosen one, during a hand-over); everyday sentences with
a number or "fire" do not. And every answer can be shown in German at the office."""

from __future__ import annotations

from bot import services
from tests.helpers import RunningBot

NUMBERS = ("112", "110", "116117", "116 016")
SAY_IT = "Ich brauche Hilfe. Meine Adresse ist: ..."


def _is_card(text: str) -> bool:
    text = "".join(c for c in text if c not in "\u200f\u2066\u2068\u2069")  # bidi marks are invisible
    return all(number in text for number in NUMBERS) and SAY_IT in text


async def test_a_cry_in_german_from_an_arabic_user_gets_the_card_in_arabic_first(bot: RunningBot) -> None:
    user = bot.user(language_code="ar")
    await user.send("Hilfe!")
    card = await user.reply()
    assert _is_card(card.text)
    assert "اتصل الآن" in card.text  # the card is in the user's language, the sentence to say in German
    assert len(card.text) < 700  # one phone screen, not the whole entry
    await user.press(card, "معلومات أكثر")
    full = await user.reply()
    assert "0800 111 0 111" in full.text and full.text != card.text


async def test_a_new_user_describing_acute_danger_gets_the_card(bot: RunningBot) -> None:
    user = bot.user(language_code="uk")
    await user.send("Допоможіть, чоловік б'є мене")
    assert _is_card((await user.reply()).text)


async def test_a_cry_during_a_hand_over_gets_the_card_and_makes_the_case_urgent(bot: RunningBot) -> None:
    user = bot.user(language_code="ru")
    await user.send("/person")
    await user.reply()
    await user.send("помогите")
    assert _is_card((await user.reply()).text)
    cases = await services.list_cases(bot.ctx)
    assert len(cases) == 1 and cases[0].urgent
    assert any(line.text == "помогите" for line in cases[0].messages)  # staff see what was written


async def test_everyday_sentences_with_numbers_or_fire_get_no_card(bot: RunningBot) -> None:
    sentences = [
        ("de", "Ich habe nur 110 Euro bekommen"),
        ("en", "my boss wants to fire me"),
        ("en", "I need help with my form"),
        ("tr", "işte çok fire verdik bu ay"),
    ]
    for language, sentence in sentences:
        user = bot.user(language_code=language)
        await user.send(sentence)
        replies = await user.replies(1)
        assert not _is_card(replies[0].text), sentence


async def test_an_answer_can_be_shown_in_german_for_the_office(bot: RunningBot) -> None:
    user = bot.user(language_code="ar")
    await user.send("كيف أسجل عنوان سكني الجديد؟")
    answer = await user.reply()
    german_title = bot.ctx.kb.entries["address-registration"].texts["de"].title
    assert german_title not in answer.text
    await user.press(answer, "عرض بالألمانية")
    shown = await user.reply()
    assert shown.text.lstrip("\u200f").startswith("للدائرة")  # one line in the user's language first
    assert german_title in shown.text and "Kontakt" in shown.text  # then the German answer and contacts
