"""People's names in Lithuanian sentences.

The greeting addresses the customer by the vocative [šauksmininkas] of the first name: Jonas →
Jonai, Andrius → Andriau, Kęstutis → Kęstuti, Eglė → Egle, Rasa → Rasa. The endings below are the
regular declension of Lithuanian first names (VLKK); a name with any other ending (a foreign one:
John, Anna-Maria) is left as written, which is how Lithuanian addresses foreign names."""

from typing import Any

# (nominative ending, vocative ending), longest first: -ius before -us, -ias/-jas (a soft stem:
# Tobijas → Tobijau) before -as.
_ENDINGS = (
    ("ius", "iau"),
    ("ias", "iau"),
    ("jas", "jau"),
    ("as", "ai"),
    ("us", "au"),
    ("is", "i"),
    ("ys", "y"),
    ("ė", "e"),
)


def vocative(first_name: str) -> str:
    """The vocative of a Lithuanian first name, each word of a double name declined (Jonas
    Petras → Jonai Petrai)."""
    return " ".join(_vocative_word(word) for word in first_name.split(" "))


def _vocative_word(word: str) -> str:
    lower = word.lower()
    for nominative, vocative_ending in _ENDINGS:
        if lower.endswith(nominative) and len(word) > len(nominative) + 1:
            stem = word[: -len(nominative)]
            return stem + (vocative_ending.upper() if word.isupper() else vocative_ending)
    return word


def greeting_name(user: Any) -> str:
    """The first name a message to `user` greets by: the vocative in Lithuanian (the language
    the message is rendered in), as written otherwise."""
    return vocative(user.first_name) if user.language == "lt" else user.first_name
