from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "mokesta.news"
    label = "news"
