"""Regenerating the catalogues (`make messages`) loses no label: for each app with a Lithuanian
catalogue, makemessages runs on a copy of the app, and what it extracts from the code must be
exactly what the committed .po holds, each entry translated. A label xgettext cannot see (see
test_gettext_calls) or a msgstr never filled shows here; so does a msgid the code dropped.
Needs GNU gettext (xgettext, msgmerge), as makemessages does."""

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from mokesta.testing.lithuanian import CATALOGUES, po_entries

CATALOGUE = Path("locale/lt/LC_MESSAGES/django.po")
APPS = [path.parents[3] for path in CATALOGUES]


def translations(path: Path) -> dict[tuple[str, str], dict]:
    """The entries of a .po file by (msgctxt, msgid), without the header."""
    return {
        (entry.get("msgctxt", ""), entry["msgid"]): entry
        for entry in po_entries(path)
        if entry["msgid"]
    }


def translated(entry: dict) -> bool:
    forms = [entry[key] for key in entry if key.startswith("msgstr")]
    return bool(forms) and all(forms) and not entry["fuzzy"]


def regenerate(app: Path, into: Path) -> Path:
    """Run makemessages on a copy of `app` (its committed .po included, so msgmerge keeps what is
    translated) and return the copy's regenerated .po."""
    copy = into / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(copy)
        call_command("makemessages", locale=["lt"], no_obsolete=True, verbosity=0)
    return copy / CATALOGUE


def test_every_app_catalogue_is_checked():
    assert len(APPS) >= 12
    assert all((app / "apps.py").exists() for app in APPS)


@pytest.mark.parametrize("app", APPS, ids=lambda app: app.name)
def test_regenerating_the_catalogue_loses_no_msgid(app, tmp_path, settings):
    settings.LOCALE_PATHS = []  # makemessages writes into the copy's own locale/ only
    committed = translations(app / CATALOGUE)
    regenerated = translations(regenerate(app, tmp_path))

    untranslated = [key for key in regenerated if not translated(committed.get(key, {}))]
    assert untranslated == [], "used by the code, not translated in the committed .po"
    unused = [key for key in committed if key not in regenerated]
    assert unused == [], "in the committed .po, no longer used by the code"
    changed = [key for key in regenerated if regenerated[key] != committed[key]]
    assert changed == [], "regeneration would change these translations"


def test_the_check_sees_a_label_lost_in_an_f_string(tmp_path, settings):
    """The test above is honest: on a copy of an app where one label moved into an f-string,
    the regenerated catalogue lacks it."""
    settings.LOCALE_PATHS = []
    app = tmp_path / "src" / "sample"
    (app / CATALOGUE).parent.mkdir(parents=True)
    shutil.copy(CATALOGUES[0], app / CATALOGUE)
    plain = [
        key
        for key, entry in translations(app / CATALOGUE).items()
        if not key[0] and "msgid_plural" not in entry and "\\" not in key[1]
    ]
    kept, lost = plain[:2]
    (app / "labels.py").write_text(
        "from django.utils.translation import gettext as _\n\n"
        f"KEPT = _({kept[1]!r})\n"
        f'LOST = f"<b>{{_({lost[1]!r})}}</b>"\n'
    )
    regenerated = translations(regenerate(app, tmp_path))
    assert kept in regenerated and translated(regenerated[kept])
    assert lost not in regenerated
