from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from mokesta.news.models import Article


def article_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Article.objects.published(), 10).get_page(request.GET.get("page"))
    return render(request, "news/list.html", {"page": page})


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.published(), slug=slug)
    return render(request, "news/detail.html", {"article": article})
