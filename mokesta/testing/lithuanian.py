"""Lithuanian checks the tests share: the apps' catalogues read as entries, our translated
msgids as patterns of English left on a page, and a page's visible text."""

import re
from pathlib import Path

from lxml import html as lxml_html

import mokesta

MOKESTA = Path(mokesta.__file__).resolve().parent
CATALOGUES = sorted(MOKESTA.glob("*/locale/lt/LC_MESSAGES/django.po"))


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr / msgstr[n] (joined
    lines), and whether it is fuzzy."""
    entries = []
    for block in path.read_text().split("\n\n"):
        entry: dict = {"fuzzy": "#, fuzzy" in block or ", fuzzy" in block}
        key = None
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                key = match.group(1)
                entry[key] = match.group(2)
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
        if "msgid" in entry:
            entries.append(entry)
    return entries


def english_patterns() -> list[re.Pattern]:
    """Our translated msgids as patterns (placeholders match anything): seeing one on a
    Lithuanian page means a string fell back to English. Short single words are left out:
    they are often the same in both (PDF, IBAN)."""
    patterns = []
    for path in CATALOGUES:
        for entry in po_entries(path):
            for msgid in filter(None, [entry["msgid"], entry.get("msgid_plural")]):
                translated = entry.get("msgstr") or entry.get("msgstr[0]")
                if " " not in msgid or len(msgid) < 12 or translated == msgid:
                    continue
                text = msgid.replace('\\"', '"').replace("\\n", " ")
                parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\{ ?\w+ ?\}\}", text)
                patterns.append(re.compile(r".{1,40}?".join(re.escape(p) for p in parts)))
    return patterns


def visible_text(content: bytes) -> str:
    tree = lxml_html.fromstring(content.decode())
    for node in tree.xpath("//script|//style|//noscript"):
        node.drop_tree()
    return " ".join(" ".join(tree.itertext()).split())
