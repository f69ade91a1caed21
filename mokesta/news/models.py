from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> "ArticleQuerySet":
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())


class Article(models.Model):
    """A public news item [Naujienos]."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("Empty = draft, not shown.")
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("news")
        ordering = ["-published_at"]
        indexes = [
            # The home page and the news list read the newest published articles.
            models.Index(fields=["-published_at"], name="article_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title
