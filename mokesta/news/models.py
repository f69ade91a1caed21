from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> "ArticleQuerySet":
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current_outages(self) -> "ArticleQuerySet":
        """Published outage notices (with streets) that have not ended."""
        return (
            self.published()
            .exclude(streets="")
            .filter(
                models.Q(affects_until__isnull=True) | models.Q(affects_until__gt=timezone.now())
            )
        )


class Article(models.Model):
    """A public news item [Naujienos]."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(
        _("published at"), null=True, blank=True, help_text=_("Empty = draft, not shown.")
    )
    # An outage notice [pranešimas apie vandens tiekimo sutrikimą]: the streets it affects and
    # its period. Customers with a service point there are told (customers/outages.py) and see
    # it on their dashboard until it ends.
    streets = models.TextField(
        _("affected streets"),
        blank=True,
        help_text=_(
            "For a water interruption: one street a line, as written in the addresses (e.g. "
            "Liepų g.). Customers there are told by e-mail/SMS and see it on their dashboard."
        ),
    )
    affects_from = models.DateTimeField(_("interruption from"), null=True, blank=True)
    affects_until = models.DateTimeField(_("interruption until"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("news")
        ordering = ["-published_at"]
        indexes = [
            # The home page and the news list read the newest published articles.
            models.Index(fields=["-published_at"], name="article_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(affects_until__isnull=True)
                | models.Q(affects_from__isnull=True)
                | models.Q(affects_until__gte=models.F("affects_from")),
                name="article_outage_period_ordered",
                violation_error_message=_("The interruption must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def street_list(self) -> list[str]:
        return street_lines(self.streets)


def street_lines(streets: str) -> list[str]:
    """An outage notice's streets, one a line, as a list."""
    return [line.strip() for line in streets.splitlines() if line.strip()]
