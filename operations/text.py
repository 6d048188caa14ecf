"""Characters that text shown on the site must not hold."""

import re

# C0 control characters other than tab, line feed and carriage return, and the
# noncharacters U+FFFE and U+FFFF: no page shows them, and XML 1.0 cannot hold
# them, so the Atom feed failed (a 500) and a workbook was damaged. A line break
# pasted from Word is one of them, U+000B. NUL is left to each reader: Django's
# forms refuse it, the importers call a file holding one damaged.
CONTROL_CHARACTER = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def without_control_characters(text):
    return CONTROL_CHARACTER.sub("", text)
