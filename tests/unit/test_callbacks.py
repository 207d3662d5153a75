"""Button payloads: signed, bound to one chat, at most 64 bytes."""

import pytest

from bot.telegram.callbacks import MAX_CALLBACK_BYTES, CallbackSigner, InvalidCallback

signer = CallbackSigner(b"secret")


def test_round_trip() -> None:
    data = signer.encode(42, "s", 123456789, "residence-permit-extension")
    assert len(data.encode()) <= MAX_CALLBACK_BYTES
    decoded = signer.decode(42, data)
    assert decoded.action == "s" and decoded.args == ("123456789", "residence-permit-extension")


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
    data = signer.encode(42, "f", 7, "y")
    with pytest.raises(InvalidCallback):
        signer.decode(43, data)


def test_altered_argument_is_rejected() -> None:
    data = signer.encode(42, "f", 7, "y")
    with pytest.raises(InvalidCallback):
        signer.decode(42, data.replace(":7:", ":8:"))


def test_too_long_payload_is_refused_when_building() -> None:
    with pytest.raises(ValueError):
        signer.encode(42, "s", "x" * 40, "y" * 40)
