"""The greeting's vocative of Lithuanian first names."""

import pytest

from mokesta.lib.names import vocative


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Jonas", "Jonai"),
        ("Andrius", "Andriau"),
        ("Paulius", "Pauliau"),
        ("Kęstutis", "Kęstuti"),
        ("Jurgis", "Jurgi"),
        ("Kazys", "Kazy"),
        ("Tobijas", "Tobijau"),
        ("Eglė", "Egle"),
        ("Rasa", "Rasa"),
        ("Ieva", "Ieva"),
        ("Jonas Petras", "Jonai Petrai"),
        ("JONAS", "JONAI"),
        ("John", "John"),
        ("", ""),
        ("As", "As"),
    ],
)
def test_it_declines_lithuanian_first_names_and_leaves_others(name, expected):
    assert vocative(name) == expected
