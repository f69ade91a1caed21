from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mokesta.accounts"
    label = "accounts"
