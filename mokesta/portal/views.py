from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mokesta.news.models import Article


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published()[:3]
    return render(request, "portal/home.html", {"articles": articles})


def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/rules.html")


def help_page(request: HttpRequest) -> HttpResponse:
    """„Pagalba": reading a meter, where the numbers are on an invoice, deadlines, contacts."""
    return render(request, "portal/help.html")
