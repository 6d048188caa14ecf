"""Moving through a page the way a keyboard user does."""


def tab_to(page, matches, limit=80, key="Tab"):
    """Press Tab (or `key`, e.g. Shift+Tab) until the focused element satisfies
    the JS predicate `matches`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(element => {matches})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {matches}")


def text_is(text):
    return f"element.textContent.trim() === {text!r}"


def name_is(name):
    return f"element.name === {name!r}"
