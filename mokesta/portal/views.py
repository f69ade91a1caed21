from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mokesta.news.models import Article


def home(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.published()[:3]
    return render(request, "portal/home.html", {"articles": articles})


def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/rules.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dashboard.html")
