import stat
from pathlib import Path

from mokesta.lib.secret import local_secret_key


def test_it_makes_a_key_once_and_keeps_it_private(tmp_path: Path) -> None:
    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) >= 50
    assert local_secret_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary file left


def test_an_existing_key_is_used_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("an-operator-made-key\n")
    assert local_secret_key(path) == "an-operator-made-key"


def test_two_installations_get_different_keys(tmp_path: Path) -> None:
    assert local_secret_key(tmp_path / "a") != local_secret_key(tmp_path / "b")
