"""Fill empty msgstr entries of a .po file from a dict written as a Python literal.

Usage: python scripts/fill_po.py mokesta/<app>/locale/lt/LC_MESSAGES/django.po translations.txt
where translations.txt holds {"English msgid": "Lietuviškas vertimas", ...}.
Prints the msgids it could not find. Plural entries are left for hand editing.
"""

import ast
import re
import sys
from pathlib import Path


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def fill(po_text: str, translations: dict[str, str]) -> tuple[str, list[str]]:
    missing = []
    for msgid, msgstr in translations.items():
        pattern = re.compile(r'(msgid "' + re.escape(escape(msgid)) + r'"\nmsgstr )""')
        replacement = '\\1"' + escape(msgstr).replace("\\", "\\\\") + '"'
        po_text, count = pattern.subn(replacement, po_text)
        if not count:
            missing.append(msgid)
    # A new catalogue's header is marked fuzzy; entries' own fuzzy marks stay for a human.
    return po_text.replace('#, fuzzy\nmsgid ""\nmsgstr ""', 'msgid ""\nmsgstr ""', 1), missing


def main() -> None:
    po_path, dict_path = Path(sys.argv[1]), Path(sys.argv[2])
    translations = ast.literal_eval(dict_path.read_text(encoding="utf-8"))
    text, missing = fill(po_path.read_text(encoding="utf-8"), translations)
    po_path.write_text(text, encoding="utf-8")
    for msgid in missing:
        print("not found, or already translated:", msgid)


if __name__ == "__main__":
    main()
