"""The helpers that build markup in Python (table rows, the user box) show what the templates
showed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from mokesta.accounts.models import User
from mokesta.portal.templatetags.portal_tags import day, numbers, pk_url, user_box


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


def user_box_html(user, path="/savitarna/?a=1&b=<x>"):
    request = RequestFactory().get(path)
    request.user = user
    return user_box(Context({"request": request, "user": user}))


def test_user_box_greets_escapes_and_offers_the_other_language():
    user = User(email="a@example.lt", first_name="<Ona>")
    with translation.override("lt"):
        html = user_box_html(user)
    assert '<span class="greeting">&lt;Ona&gt;</span>' in html
    assert f'action="{reverse("account_logout")}"' in html
    assert '<button type="submit">Atsijungti</button>' in html
    assert html.count('name="csrfmiddlewaretoken"') == 2  # logout and the language switch
    assert 'value="/savitarna/?a=1&amp;b=%3Cx%3E"' in html  # back to this page, escaped
    assert 'value="en" lang="en" aria-label="Anglų">EN</button>' in html
    assert 'value="lt"' not in html


def test_user_box_of_a_visitor_has_only_the_language_switch():
    with translation.override("en"):
        html = user_box_html(AnonymousUser())
    assert "greeting" not in html and reverse("account_logout") not in html
    assert 'value="lt" lang="lt" aria-label="Lithuanian">LT</button>' in html
