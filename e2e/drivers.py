"""Two ways of working a page: with the mouse (Playwright's clicks and fills) or with the keyboard only.

A journey written against `Driver` runs both ways. The keyboard driver never clicks: it moves focus with
Tab / Shift+Tab (and the arrow keys inside a radio group), types into fields, presses Space on check boxes,
radio buttons and file inputs (a file chooser opens, as it does for a person) and Enter on links and buttons.
Each time it lands on the element it wants, it checks that the focus is visible (an outline or a ring).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import FileChooser, Locator, Page

MAX_TAB_PRESSES = 250

# Where the focused element is relative to the target: Node.compareDocumentPosition flags.
_POSITION_JS = """
(target) => {
  const active = document.activeElement;
  if (!active || active === document.body || active === target) return active === target ? "here" : "before";
  const position = target.compareDocumentPosition(active);
  return position & Node.DOCUMENT_POSITION_FOLLOWING ? "after" : "before";
}
"""
_ACTIVE_RADIO_NAME_JS = """
() => { const a = document.activeElement; return a && a.type === "radio" ? a.name : ""; }
"""
_FOCUS_VISIBLE_JS = """
(el) => {
  if (!el.matches(":focus-visible")) return "not :focus-visible";
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  return outline || ring ? "" : "no outline or ring";
}
"""


class Driver:
    """How a journey fills fields and presses buttons; see the module docstring."""

    name = "mouse"

    def __init__(self, page: Page) -> None:
        self.page = page

    def fill(self, target: Locator, text: str) -> None:
        target.fill(text)

    def check(self, target: Locator) -> None:
        target.check()

    def select(self, target: Locator, label: str) -> None:
        """Choose the option whose text is `label` or starts with it."""
        target.first.select_option(index=_option_index(target, label))

    def upload(self, target: Locator, path: Path) -> None:
        target.set_input_files(str(path))

    def press(self, target: Locator) -> None:
        """Follow a link or press a button; wait for the next page unless it is a download link."""
        with _next_page(self.page, target):
            target.first.click()


class KeyboardDriver(Driver):
    name = "keyboard"

    def focus(self, target: Locator) -> None:
        """Move the focus to `target` with Tab / Shift+Tab (arrows within a radio group), never a click."""
        target = target.first
        target.wait_for(state="visible")
        handle = target.element_handle()
        assert handle is not None
        is_radio = handle.evaluate("el => el.type === 'radio'")
        radio_name = handle.evaluate("el => el.name") if is_radio else ""
        for _ in range(MAX_TAB_PRESSES):
            where = self.page.evaluate(_POSITION_JS, handle)
            if where == "here":
                problem = handle.evaluate(_FOCUS_VISIBLE_JS)
                assert not problem, f"focus is not visible on {target}: {problem}"
                return
            if is_radio and self.page.evaluate(_ACTIVE_RADIO_NAME_JS) == radio_name:
                self.page.keyboard.press("ArrowDown" if where == "before" else "ArrowUp")
                continue
            self.page.keyboard.press("Tab" if where == "before" else "Shift+Tab")
        raise AssertionError(f"could not reach {target} with the keyboard in {MAX_TAB_PRESSES} presses")

    def fill(self, target: Locator, text: str) -> None:
        self.focus(target)
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.press("Delete")
        self.page.keyboard.type(text)

    def type_date(self, target: Locator, month: int, day: int, year: int) -> None:
        """A date field (en-US: month, day, year segments) typed digit by digit."""
        self.focus(target)
        self.page.keyboard.type(f"{month:02d}{day:02d}{year:04d}")

    def check(self, target: Locator) -> None:
        self.focus(target)
        if not target.first.is_checked():
            self.page.keyboard.press("Space")
        assert target.first.is_checked()

    def select(self, target: Locator, label: str) -> None:
        self.focus(target)
        wanted = _option_index(target, label)
        for _ in range(100):
            current = target.first.evaluate("el => el.selectedIndex")
            if current == wanted:
                return
            self.page.keyboard.press("ArrowDown" if current < wanted else "ArrowUp")
        raise AssertionError(f"could not choose {label!r} with the arrow keys")

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        # Listening from the start turns file-chooser interception on before any key is pressed (waiting
        # for the event only around the key press can lose a race with the browser opening its dialog).
        self._choosers: list[FileChooser] = []
        page.on("filechooser", lambda chooser: self._choosers.append(chooser))

    def upload(self, target: Locator, path: Path) -> None:
        self.focus(target)
        self._choosers.clear()
        self.page.keyboard.press("Space")
        for _ in range(100):
            if self._choosers:
                break
            self.page.wait_for_timeout(100)
        assert self._choosers, f"Space on {target} opened no file chooser"
        self._choosers.pop().set_files(str(path))

    def press(self, target: Locator) -> None:
        self.focus(target)
        is_button = target.first.evaluate("el => el.tagName === 'BUTTON' || el.type === 'submit'")
        with _next_page(self.page, target):
            self.page.keyboard.press("Space" if is_button else "Enter")


@contextmanager
def _next_page(page: Page, target: Locator) -> Iterator[None]:
    """Wait, after the block, until the page it started on has been replaced (links and form buttons here
    always load a page; a link with a `download` attribute does not)."""
    if target.first.evaluate("el => el.hasAttribute('download')"):
        yield
        return
    page.evaluate("window.__e2eOldPage = true")
    yield
    page.wait_for_function("() => !window.__e2eOldPage")
    page.wait_for_load_state("load")


def _option_index(target: Locator, label: str) -> int:
    index = target.first.evaluate(
        "(el, label) => [...el.options].findIndex(o => o.label.trim().startsWith(label))", label
    )
    assert index >= 0, f"no option {label!r} in {target}"
    return int(index)


def type_date(driver: Driver, target: Locator, month: int, day: int, year: int) -> None:
    """Enter a date: typed on the keyboard, or filled as ISO text with the mouse driver."""
    if isinstance(driver, KeyboardDriver):
        driver.type_date(target, month, day, year)
    else:
        target.fill(f"{year:04d}-{month:02d}-{day:02d}")
