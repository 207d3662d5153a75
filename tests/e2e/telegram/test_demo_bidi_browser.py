"""Phone numbers in an Arabic answer read in the right order on screen: measured in Chromium, which lays
out text with the same Unicode bidi algorithm as Telegram's apps (without isolation "116 016" showed as
"016 116")."""

from __future__ import annotations

import pytest

from tests.e2e.telegram.test_demo_browser import demo, page  # noqa: F401 - the browser fixtures

pytestmark = pytest.mark.browser

# For the first text node of a message containing `number`: the left edge on screen of each of its digit
# groups, in the order they are written.
_GROUP_POSITIONS = """([selector, number]) => {
  const messages = [...document.querySelectorAll(selector)];
  for (const message of messages) {
    const walker = document.createTreeWalker(message, NodeFilter.SHOW_TEXT);
    let offset = -1;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      offset = node.data.indexOf(number);
      if (offset < 0) continue;
      const lefts = [];
      let start = offset;
      for (const group of number.split(" ")) {
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + group.length);
        lefts.push(range.getClientRects()[0].left);
        start += group.length + 1;
      }
      return {lefts, direction: getComputedStyle(message).direction};
    }
  }
  return null;
}"""


async def test_a_phone_number_in_an_arabic_message_reads_left_to_right(demo, page) -> None:  # noqa: F811
    await page.goto(demo)
    await page.get_by_role("button", name="العربية").wait_for(timeout=15000)
    await page.get_by_role("button", name="العربية").click()
    await page.locator(".msg.bot", has_text="العربية").last.wait_for(timeout=10000)
    await page.fill("#text", "ساعدوني")
    await page.press("#text", "Enter")
    card = page.locator(".msg.bot", has_text="116 016")
    await card.wait_for(timeout=10000)
    for number in ("116 016", "0800 111 0 111"):
        measured = await page.evaluate(_GROUP_POSITIONS, [".msg.bot", number])
        assert measured is not None, number
        assert measured["direction"] == "rtl"  # the message itself stays right to left
        lefts = measured["lefts"]
        assert lefts == sorted(lefts) and len(set(lefts)) == len(lefts), (number, lefts)  # groups in order
