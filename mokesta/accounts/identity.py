"""One rule for when two e-mail addresses are the same person (README: "Security → Identity").

Every path that compares addresses — login, registration, the e-mail change, the rate limits
keyed by e-mail, linking contracts by e-mail and the message history — compares
`email_key(address)` with `=`, in Python or against a column that holds it (`User.email_key`,
`Customer.email_key`), never `iexact`/`UPPER`/`LOWER` in SQL: the databases fold case by rules of
their own (PostgreSQL's `UPPER('ı')` is `I`), so the same pair could be one account in one place
and two in another.

The key of an address:
1. NFKC: compatibility forms become their plain letters (fullwidth `ｊ`, the Kelvin sign `K`,
   the long `ſ`, ligatures);
2. case folded (Unicode's full case folding, as UTR #36 recommends for identifiers); the dotted
   capital `İ` folds to `i` followed by a combining dot, which is dropped after `i` and `j`;
3. invisible format characters (zero-width spaces and joiners, the soft hyphen) dropped;
4. the domain without its trailing dot, through IDNA's UTS #46 mapping, `xn--` labels read as
   the letters they encode;
5. every non-ASCII character that looks like an ASCII letter or digit (by Unicode's confusables,
   UTS #39, `data/confusables.txt`) replaced by that letter: `ı` → `i`, Cyrillic `а` → `a`.

ASCII is never changed beyond lower case (`rn` and `m`, `l` and `1` stay apart: they are
different mailboxes that people really have).

What may be registered (`check_email`): only an address that is its own key — so nothing in it
merely looks like an ASCII letter (`jonas@gmaıl.test` is refused, whoever has which address),
the part before `@` is ASCII (as Django's validator wants), and a domain may have letters of
other alphabets (`ąžuolas.lt`) that look like no ASCII letter. Two addresses that may be
registered are therefore one person exactly when they are equal, and every look-alike of a
registered address either is refused or has the same key as that address.
"""

import functools
import unicodedata
from pathlib import Path

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

# Unicode's confusables for UTS #39, version 14.0.0 (the Unicode version of Python 3.11's
# unicodedata), from unicode-org/unicodetools, unicodetools/data/security/14.0.0/confusables.txt
# at commit 2c1309ab2ac1de5c62f09089c8ed6bf6f1d37920 (file unchanged since 7a0f985b); also
# published as https://www.unicode.org/Public/security/14.0.0/confusables.txt.
CONFUSABLES = Path(__file__).parent / "data" / "confusables.txt"

# The ASCII characters an address is made of; a look-alike maps to one of them.
_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+"
_DOTS = str.maketrans({"\u3002": ".", "\uff61": "."})  # ideographic full stops, as UTS #46

LOOKALIKE_MESSAGE = _(
    'This address contains characters that only look like Latin letters (e.g. "ı" instead '
    'of "i"). Type the address in ordinary Latin letters.'
)
INVALID_MESSAGE = _("Enter a valid email address.")


@functools.cache
def _confusables() -> dict[str, str]:
    """Each confusable character and its prototype (confusables.txt: source ; target ; type)."""
    table: dict[str, str] = {}
    with CONFUSABLES.open(encoding="utf-8-sig") as data:
        for line in data:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2:
                continue
            source, target = fields[0].split(), fields[1].split()
            if len(source) == 1:
                table[chr(int(source[0], 16))] = "".join(chr(int(c, 16)) for c in target)
    return table


def _skeleton(text: str) -> str:
    """UTS #39's skeleton: NFD, each character replaced by its prototype, NFD again."""
    table = _confusables()
    mapped = "".join(table.get(c, c) for c in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.cache
def _ascii_lookalikes() -> dict[str, str]:
    """Non-ASCII character → the ASCII letter or digit it looks like (lower case). Where a
    character looks like several (`ӏ` like `l`, `1` and `I`), the letter wins, then the lowest."""
    by_skeleton: dict[str, str] = {}
    for char in sorted(_ASCII, key=lambda c: (not c.isalpha(), c.lower())):
        by_skeleton.setdefault(_skeleton(char), char.lower())
    lookalikes: dict[str, str] = {}
    for char in _confusables():
        folded = unicodedata.normalize("NFKC", char.casefold())
        if len(folded) == 1 and not folded.isascii():
            target = by_skeleton.get(_skeleton(folded))
            if target is not None:
                lookalikes.setdefault(folded, target)
    return lookalikes


def _fold(text: str) -> str:
    """NFKC, case folded, format characters dropped (steps 1–3)."""
    text = unicodedata.normalize("NFKC", text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.replace("i\u0307", "i").replace("j\u0307", "j")


def _domain(domain: str) -> str:
    """The domain as UTS #46 maps it, in letters (not xn--), without the trailing dot."""
    domain = _fold(domain.translate(_DOTS))
    if domain.endswith("."):
        domain = domain[:-1]
    try:
        return idna.decode(idna.encode(domain, uts46=True))
    except (idna.IDNAError, UnicodeError, ValueError):
        return domain  # not a valid domain: compared as folded text


def normalise_email(address: str) -> str:
    """The address as it is stored and mailed: steps 1–4 (not the look-alike mapping)."""
    text = unicodedata.normalize("NFKC", address.strip())  # "＠" is "@" too
    local, at, domain = text.rpartition("@")
    if not at:
        return _fold(text)
    return f"{_fold(local)}@{_domain(domain)}"


def email_key(address: str) -> str:
    """The identity of an address: two addresses are one person when their keys are equal."""
    lookalikes = _ascii_lookalikes()
    return "".join(lookalikes.get(c, c) for c in normalise_email(address))


def is_canonical(address: str) -> bool:
    """Whether the address may be registered or linked as it is: it is its own key."""
    return bool(address) and email_key(address) == address


def check_email(address: str) -> str:
    """The address to store for what the user typed, or a ValidationError (Lithuanian message
    next to the field). Depends on the text alone, never on who is registered."""
    normalised = normalise_email(address)
    if email_key(normalised) != normalised:
        raise ValidationError(LOOKALIKE_MESSAGE, code="lookalike")
    if not normalised.rpartition("@")[0].isascii():
        raise ValidationError(INVALID_MESSAGE, code="invalid")
    validate_email(normalised)
    return normalised


def validate_email_identity(value: str) -> None:
    """The model field's validator (the back office's forms, `createsuperuser`)."""
    check_email(value)
