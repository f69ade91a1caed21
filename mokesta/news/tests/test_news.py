import datetime as dt

import pytest
from django.utils import timezone

from mokesta.news.models import Article

pytestmark = pytest.mark.django_db


def make(slug: str, days: int | None, title: str = "Pertrauka") -> Article:
    published = None if days is None else timezone.now() - dt.timedelta(days=days)
    return Article.objects.create(title=title, slug=slug, body="Tekstas", published_at=published)


def test_home_lists_latest_published_news(client) -> None:
    make("sena", 10, "Sena naujiena")
    make("juodrastis", None, "Juodraštis")
    make("ateitis", -1, "Dar ne laikas")
    response = client.get("/")
    assert "Sena naujiena" in response.text
    assert "Juodraštis" not in response.text
    assert "Dar ne laikas" not in response.text
    assert "Klientų savitarna" in response.text and "Naujienos" in response.text


def test_article_page_and_draft_is_404(client) -> None:
    make("vanduo", 1, "Vandens <b>pertrauka</b>")
    make("juodrastis", None)
    response = client.get("/naujienos/vanduo/")
    assert response.status_code == 200
    assert "Vandens &lt;b&gt;pertrauka&lt;/b&gt;" in response.text
    assert client.get("/naujienos/juodrastis/").status_code == 404
    assert client.get("/naujienos/nera-tokios/").status_code == 404


def test_news_list_with_a_wrong_page_number_shows_a_page(client) -> None:
    make("vanduo", 1)
    assert client.get("/naujienos/?page=abc").status_code == 200
    assert client.get("/naujienos/?page=999").status_code == 200
