"""The helpers that build table rows in Python show what the template filters showed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from mokesta.portal.rows import day, numbers, pk_url


@pytest.mark.parametrize("language", ["lt", "en"])
def test_numbers_and_dates_read_as_the_template_wrote_them(language):
    template = Template('{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e|date:"Y-m-d" }}|{{ e|date:"Y-m" }}')
    values = {"a": Decimal("1234.50"), "b": Decimal("-0.05"), "c": 7, "d": Decimal("12")}
    with translation.override(language):
        num = numbers()
        expected = template.render(Context({**values, "e": dt.date(2026, 3, 9)}))
        got = "|".join(
            [
                *(num(v) for v in values.values()),
                day(dt.date(2026, 3, 9)),
                day(dt.date(2026, 3, 9), "Y-m"),
            ]
        )
    assert got == expected


def test_a_missing_date_is_empty_and_other_formats_go_through_django():
    assert day(None) == ""
    with translation.override("en"):
        assert day(dt.date(2026, 3, 9), "j") == "9"


def test_pk_url_is_reverse_for_any_pk():
    for name in ("billing:detail", "billing:pdf"):
        url = pk_url(name)
        for pk in (0, 7, 10, 1203):
            assert url(pk) == reverse(name, args=[pk])


def test_capture_renders_its_body_once_and_shows_it_where_used():
    template = Template(
        "{% load portal_tags %}{% capture x %}<b>{{ n }}</b>{% endcapture %}[{{ x }}][{{ x }}]"
    )
    assert template.render(Context({"n": "<i>"})) == "[<b>&lt;i&gt;</b>][<b>&lt;i&gt;</b>]"
