"""Text in files that people open with a spreadsheet: the admin's exports, a
career page's data.csv, the subscriber list."""

# A spreadsheet runs a cell that starts with one of these as a formula, whoever
# typed it: "=HYPERLINK(…)" in a summary would run on the computer that opens the
# export or a page's data.csv.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text):
    """`text`, with an apostrophe in front if a spreadsheet would run it as a
    formula: Excel and LibreOffice then show it as the text it is. Text that
    already starts with an apostrophe gets one too, so that taking one off
    (`formula_unsafe`) always gives the text back."""
    return f"'{text}" if text.startswith((*FORMULA_START, "'")) else text


def formula_unsafe(text):
    """The text `formula_safe` was given."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_START, "'")):
        return text[1:]
    return text
