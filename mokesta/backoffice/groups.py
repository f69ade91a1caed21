"""Staff groups and their permissions: clerks keep customer data, accountants book money.

Superusers (the utility's administrators) have every permission; everyone else gets exactly
what their group lists here. `manage.py setup_groups` and every migrate bring the groups in line.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

CLERK = "clerk"
ACCOUNTANT = "accountant"

# {group: {"app_label.model": [actions]}}: an action is "view", "add", "change", "delete" or a
# model's own permission codename (billing.invoice's run_billing, issue_credit_note).
GROUPS: dict[str, dict[str, list[str]]] = {
    CLERK: {
        "customers.customer": ["view", "add", "change"],
        "customers.contract": ["view", "add", "change"],
        "customers.servicepoint": ["view", "add", "change"],
        "customers.contractaccess": ["view", "add", "delete"],
        # The bank's report of e-invoice orders and cancellations, typed in.
        "customers.einvoicesubscription": ["view", "add", "change"],
        "metering.meter": ["view", "add", "change"],
        "metering.reading": ["view", "add", "change"],
        # „Išvykstu" periods: clerks see them and end one (change = the „end" action).
        "metering.awayperiod": ["view", "change"],
        "metering.awayreading": ["view"],
        "news.article": ["view", "add", "change", "delete"],
        "payments.unmatchedpayment": ["view", "change"],
        "payments.payment": ["view"],
        # "Did my online payment go through?": clerks look it up.
        "onlinepay.paymentorder": ["view"],
        "onlinepay.paymentorderpart": ["view"],  # an order for several contracts: its parts
        # "Did you send me the invoice?": clerks look it up; resending is the accountant's.
        "messaging.outgoingmessage": ["view"],
        # Customer requests: clerks answer them and change their state.
        "inquiries.inquiry": ["view", "change"],
        "inquiries.inquirymessage": ["view"],
        "inquiries.inquiryphoto": ["view"],
        # The readings people wrote at the post office that wait for a clerk (change = resolve).
        "bank.heldreading": ["view", "change"],
    },
    ACCOUNTANT: {
        "payments.payment": ["view", "add", "change"],
        "payments.unmatchedpayment": ["view", "change"],
        "bank.statementimport": ["view", "add"],
        # „Duomenų importas": it brings opening balances (money) in with the customers.
        "onboarding.customerimport": ["view", "add"],
        "bank.banktransaction": ["view"],
        # Online payments and the provider's payouts that settle them (reconciliation).
        "onlinepay.paymentorder": ["view"],
        "onlinepay.paymentorderpart": ["view"],
        "onlinepay.payout": ["view"],
        # The post office's daily transfers reconciled with its payment files.
        "bank.posttransfer": ["view"],
        "bank.heldreading": ["view"],
        "billing.tariff": ["view", "add", "change"],
        # add: a new month to bill; an existing period changes only by closing and billing it.
        "billing.billingperiod": ["view", "add"],
        "billing.invoice": ["view", "run_billing", "issue_credit_note"],
        "billing.invoiceline": ["view"],
        "billing.billingrun": ["view"],
        # change = the retry action (the admin edits no field of a message)
        "messaging.outgoingmessage": ["view", "change"],
        "customers.customer": ["view"],
        "customers.contract": ["view"],
        "customers.einvoicesubscription": ["view"],
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
                codename = action if "_" in action else f"{action}_{model_name}"
                permissions.append(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        content_type__model=model_name,
                        codename=codename,
                    )
                )
        group.permissions.set(permissions)


def setup_groups_after_migrate(**kwargs: object) -> None:
    setup_groups()
