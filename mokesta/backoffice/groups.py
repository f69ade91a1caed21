"""Staff groups and their permissions: clerks keep customer data, accountants book money.

Superusers (the utility's administrators) have every permission; everyone else gets exactly
what their group lists here. `manage.py setup_groups` and every migrate bring the groups in line.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

CLERK = "clerk"
ACCOUNTANT = "accountant"

# {group: {"app_label.model": [actions]}}
GROUPS: dict[str, dict[str, list[str]]] = {
    CLERK: {
        "customers.customer": ["view", "add", "change"],
        "customers.contract": ["view", "add", "change"],
        "customers.servicepoint": ["view", "add", "change"],
        "customers.contractaccess": ["view", "add", "delete"],
        "metering.meter": ["view", "add", "change"],
        "metering.reading": ["view", "add", "change"],
        "news.article": ["view", "add", "change", "delete"],
        "payments.unmatchedpayment": ["view", "change"],
        "payments.payment": ["view"],
    },
    ACCOUNTANT: {
        "payments.payment": ["view", "add", "change"],
        "payments.unmatchedpayment": ["view", "change"],
        "payments.statementimport": ["view", "add"],
        "payments.banktransaction": ["view"],
        "billing.tariff": ["view"],
        "billing.billingperiod": ["view"],
        "billing.invoice": ["view"],
        "customers.customer": ["view"],
        "customers.contract": ["view"],
        "metering.meter": ["view"],
        "metering.reading": ["view"],
    },
}


def setup_groups() -> None:
    """Create the staff groups and set their permissions exactly (idempotent)."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)  # post_migrate order is not guaranteed
    for name, models in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = []
        for model, actions in models.items():
            app_label, model_name = model.split(".")
            for action in actions:
                permissions.append(
                    Permission.objects.get(
                        content_type__app_label=app_label, codename=f"{action}_{model_name}"
                    )
                )
        group.permissions.set(permissions)


def setup_groups_after_migrate(**kwargs: object) -> None:
    setup_groups()
