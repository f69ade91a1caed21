"""Carry Lithuanian translations across a regeneration of the catalogues.

`make messages` rebuilds each app's catalogue from its own files, so a string that moved from one
app to another arrives untranslated in its new catalogue. This fills every empty entry of the
catalogues under mokesta/ from all translations found in the catalogues given (and the current
ones), and sets Lithuanian's plural header.

Usage: python scripts/catalogues.py [OLD.po ...]   (then `make messages` compiles again)
"""

import sys
from pathlib import Path

import polib

PLURAL_FORMS = (
    "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && (n%100<10 || n%100>=20) ? 1 : 2);"
)


def key(entry: polib.POEntry) -> tuple[str, str, str]:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


def known(paths: list[Path]) -> dict[tuple[str, str, str], polib.POEntry]:
    found = {}
    for path in paths:
        for entry in polib.pofile(str(path)):
            if entry.msgid_plural:  # all of Lithuanian's three forms
                done = len(entry.msgstr_plural) >= 3 and all(entry.msgstr_plural.values())
            else:
                done = bool(entry.msgstr)
            if done and "fuzzy" not in entry.flags:
                found.setdefault(key(entry), entry)
    return found


def main() -> None:
    current = sorted(Path("mokesta").glob("*/locale/lt/LC_MESSAGES/django.po"))
    translations = known([Path(p) for p in sys.argv[1:]] + current)
    for path in current:
        catalogue = polib.pofile(str(path))
        catalogue.metadata["Plural-Forms"] = PLURAL_FORMS
        for entry in catalogue:
            if "fuzzy" in entry.flags:
                # msgmerge's guess from a similar old string: never trusted
                entry.flags.remove("fuzzy")
                entry.previous_msgid = entry.previous_msgid_plural = None
                entry.msgstr = ""
                entry.msgstr_plural = {i: "" for i in entry.msgstr_plural}
            if entry.msgid_plural:  # exactly Lithuanian's three forms
                entry.msgstr_plural = {i: entry.msgstr_plural.get(i, "") for i in range(3)}
            source = translations.get(key(entry))
            if source is None:
                continue
            if entry.msgid_plural and not all(entry.msgstr_plural.get(i) for i in range(3)):
                entry.msgstr_plural = {i: source.msgstr_plural[i] for i in range(3)}
            elif not entry.msgid_plural and not entry.msgstr:
                entry.msgstr = source.msgstr
        catalogue.save()
        missing = [e.msgid for e in catalogue if not e.translated() and not e.obsolete]
        for msgid in missing:
            print(f"{path}: untranslated: {msgid!r}")


if __name__ == "__main__":
    main()
