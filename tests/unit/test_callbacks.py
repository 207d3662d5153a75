"""Button payloads: signed, bound to one chat, at most 64 bytes."""

import pytest

from bot.telegram.callbacks import MAX_CALLBACK_BYTES, Action, CallbackSigner, InvalidCallback, pattern

signer = CallbackSigner(b"secret")


def test_round_trip() -> None:
    data = signer.encode(42, Action.SUGGESTION, 123456789, "residence-permit-extension")
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    decoded = signer.decode(42, data)
    assert decoded.action is Action.SUGGESTION and decoded.args == ("123456789", "residence-permit-extension")


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "garbage",
        "f:1:y",  # no signature
        "x" * 65,
        "<script>alert(1)</script>",
        "l:de:AAAAAAAAAA",  # wrong signature
    ],
)
def test_forged_payloads_are_rejected(data) -> None:
    with pytest.raises(InvalidCallback):
        signer.decode(42, data)


def test_payload_of_another_chat_is_rejected() -> None:
    data = signer.encode(42, Action.FEEDBACK, 7, "y")
    with pytest.raises(InvalidCallback):
        signer.decode(43, data)


def test_altered_argument_is_rejected() -> None:
    data = signer.encode(42, Action.FEEDBACK, 7, "y")
    with pytest.raises(InvalidCallback):
        signer.decode(42, data.replace(":7:", ":8:"))


def test_arguments_that_do_not_fit_the_action_are_refused_when_building() -> None:
    with pytest.raises(ValueError):
        signer.encode(42, Action.SUGGESTION, "x" * 40, "y" * 40)
    with pytest.raises(ValueError):
        signer.encode(42, Action.FEEDBACK, 7, "maybe")


def test_each_payload_reaches_only_the_handler_of_its_action() -> None:
    data = signer.encode(42, Action.ENTRY_ORIGINAL, "child-benefit", "de")
    assert pattern(Action.ENTRY_ORIGINAL).match(data)
    assert not any(pattern(other).match(data) for other in Action if other is not Action.ENTRY_ORIGINAL)
    assert not pattern(Action.ENTRY_ORIGINAL).match(data.replace(":de:", ":fr:"))


@pytest.mark.parametrize("data", ["l:de:ÄAAAAAAAAA", "x:ä", "s:1:ü:😀😀😀😀", "f:١:y:AAAAAAAAAA"])
def test_a_payload_with_any_characters_is_invalid_not_an_exception(data: str) -> None:
    with pytest.raises(InvalidCallback):
        CallbackSigner(b"secret").decode(1, data)
