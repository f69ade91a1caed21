"""A label in an f-string's braces never reaches the catalogue: xgettext (makemessages) does not
look inside f-strings, so `make messages` would drop its translation."""

import re
from pathlib import Path

import mokesta

# f"…{_('…')…}…" or f'…{escape(_("…"))}…' on one line.
GETTEXT_IN_FSTRING = re.compile(r"""\bf(["']).*\{[^}]*\b_\(""")


def test_no_gettext_call_inside_an_f_string():
    root = Path(mokesta.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}: {line.strip()}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if GETTEXT_IN_FSTRING.search(line)
    ]
    assert found == []


def test_the_check_sees_one():
    assert GETTEXT_IN_FSTRING.search("""    x = f"<h2>{escape(_('Lines'))}</h2>\"""")
    assert not GETTEXT_IN_FSTRING.search("""    heading = escape(_("Lines"))""")
