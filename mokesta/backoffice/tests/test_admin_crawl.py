"""Issue 19.4: the back office in correct Lithuanian. A crawl of every admin page — the index,
each app, each model's list, add form, a real row's change form, delete confirmation and
history, each list filter, each action's confirmation or result — as each staff group fails on
English and on the case errors Django's catalogue makes when it puts a model's name into a
sentence."""

import re
from urllib.parse import urljoin

import pytest
from django.contrib import admin
from django.core.management import call_command
from lxml import html as lxml_html

from mokesta.accounts.models import User
from mokesta.backoffice.groups import ACCOUNTANT, CLERK
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.testing.lithuanian import english_patterns, visible_text
from mokesta.testing.staff import staff_in

# English the admin and third-party apps (django-tasks, django-otp, allauth) show when a string
# is missing from every Lithuanian catalogue; our own msgids are added by english_patterns().
ENGLISH = [
    r"\bwas (added|changed|deleted) successfully\b",
    r"\bYou may (edit|add)\b",
    r"\bsuccessfully\b",
    r"\bModel name\b",
    r"\bAdd link\b",
    r"\bChange or view list link\b",
    r"\bTasks? (Database )?Backend\b",
    r"\bTask Results?\b",
    r"\bCREATED AT\b|\bcreated at\b",
    r"\b(USER|VIA)\b",
    r"\bChoose \w+ by selecting\b",
    r"\bAdd another\b",
    r"\bAre you sure\b",
    r"\bSelect all\b",
    r"\bDelete selected\b",
    r"\bRun the selected action\b",
    r"\bAny date\b",
    r"\bPast 7 days\b",
    r"\bThis (month|year)\b",
    r"\bRecent actions\b",
    r"\bNone available\b",
    r"\benqueued at\b|\bfinished at\b|\bstarted at\b|\breturn value\b|\bqueue name\b",
    r"\bbackend name\b|\btask path\b|\bworker id\b|\btraceback\b|\brun after\b",
    r"\bpriority\b|\bstatus\b",
    r"\bLog entr(y|ies)\b",
    r"\bShow all\b|\bClear all filters\b",
    r"\bDate/time\b",
    r"\bObject id\b|\bObject repr\b|\bAction flag\b|\bChange message\b|\bContent type\b",
    r"\b(Enter|Select) a valid\b",
    r"\bThis field is required\b",
    r"\bname\b|\bkey\b|\bconfirmed\b|\bthrottling\b|\bdrift\b|\btolerance\b",
    r"\b(Identity|Timestamps|Configuration|State|Throttling)\b",  # django-otp's sections
    r"\bQR Code\b|\bqrcode\b|\bLast used\b|\bCreated\b|\b[Ee]ntered\b|\bUpdated\b",
]

# Lithuanian that Django's catalogue gets wrong when it inserts a model's name: the name stays
# in the nominative (or takes the wrong gender or number) where the sentence needs another case.
CASE_ERRORS = [
    r"pasirinktus \w+(ai|os|ys|ės)\b",  # „Ištrinti pasirinktus mokėtojai / sutartys"
    r"pasirinktas \w+(ai|os|ys|ės)\b",
    r"Pridėti dar vien[ao] [A-ZĄČĘĖĮŠŲŪŽ]",  # „Pridėti dar viena Sutartis"
    r"Pridėti dar viena\b",  # the accusative is „vieną"
    r"\bPagal \w+a\b(?! \w)",  # „Pagal būsena / tema / mokėjimo data"
    r"\bNAUJAS NAUJIENA\b|\bNaujas (naujiena|grupė|sutartis|kaina|užklausa)\b",
    r"\b0 [a-ząčęėįšųūž]+(ai|os|ys|ės)\b",  # „0 nepriskirti mokėjimai": 0 takes the genitive
    r"\b1[0-9] [a-ząčęėįšųūž]+(ai|os|ys|ės)\b",  # so do 10–19
    r"\bBetkokia\b",
    r"\bLog įrašai\b",
    r"[Vv]artotoj(?!o kaltės)",  # VLKK: a system's user is „naudotojas" (water's is „vartotojas")
    r"\b\d+\.\d{2} €",  # „20.00 €": a decimal comma
    r"\b\d{5,},\d{2} €",  # „12105,82 €": a thousands space
]

# The rows a crawl page may show and the filters it may follow, to keep the crawl short.
FILTER_LINKS = 25


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def links_of_filters(content: bytes, base: str) -> list[str]:
    """One link per distinct filter parameter set of a list's filter panel."""
    tree = lxml_html.fromstring(content.decode())
    seen, found = set(), []
    for href in tree.xpath('//*[@id="changelist-filter"]//a/@href'):
        if not href.startswith("?") or href == "?":
            continue
        keys = frozenset(re.findall(r"[?&]([^=&]+)=", href))
        if keys not in seen:
            seen.add(keys)
            found.append(urljoin(base, href))
    return found[:FILTER_LINKS]


def actions_of(content: bytes) -> list[str]:
    tree = lxml_html.fromstring(content.decode())
    return [value for value in tree.xpath('//select[@name="action"]/option/@value') if value]


def crawl(client) -> list[tuple[str, str]]:
    """(url, visible text) of every admin page the client may open."""
    pages: list[tuple[str, str]] = []

    def visit(url: str, data: dict | None = None) -> bytes | None:
        response = client.post(url, data, follow=True) if data else client.get(url, follow=True)
        if response.status_code in (403, 404) or "html" not in response.get("Content-Type", ""):
            return None
        assert response.status_code == 200, url
        pages.append((url + (f" POST {data}" if data else ""), visible_text(response.content)))
        return response.content

    visit("/admin/")
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        visit(f"/admin/{app_label}/")
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        listing = visit(base)
        visit(f"{base}add/")
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for page in ("change/", "delete/", "history/"):
                visit(f"{base}{first.pk}/{page}")
        if listing is None:
            continue
        for link in links_of_filters(listing, base):
            visit(link)
        if first is not None:
            for action in actions_of(listing):
                visit(base, {"action": action, "_selected_action": [first.pk], "index": "0"})
    return pages


GROUPS = ["superuser", CLERK, ACCOUNTANT]


def member_of(group: str, staff: User) -> User:
    return staff if group == "superuser" else staff_in(group, f"crawl-{group}@example.lt")


@pytest.mark.parametrize("group", GROUPS)
def test_the_admin_speaks_correct_lithuanian_to_every_group(group, staff, demo):
    pages = crawl(admin_client(member_of(group, staff)))
    assert len(pages) > (100 if group == "superuser" else 30)
    patterns = english_patterns() + [re.compile(p) for p in ENGLISH]
    errors = [re.compile(p) for p in CASE_ERRORS]
    found: dict[tuple[str, str], str] = {}  # each mistake once, where it was first seen
    for url, text in pages:
        for pattern in patterns + errors:
            for match in pattern.finditer(text):
                seen = text[max(0, match.start() - 40) : match.end() + 40]
                found.setdefault((pattern.pattern, match.group(0)), f"…{seen}…  ({url})")
    assert found == {}, "\n".join(f"{p!r} {m!r}: {where}" for (p, m), where in found.items())
