"""Strings of Django's admin and of the third-party apps on the admin site (django-tasks,
django-otp, allauth) that their Lithuanian catalogues lack, have in an older wording (Django
5's curly quotes), or translate with a model's name in the wrong case. Listed here so that
makemessages keeps them in this app's catalogue, which Django reads before theirs (this app
comes first in INSTALLED_APPS). Phrases that must decline a model's name are not here: the
admin writes them from declension.py.

Nothing imports this module; the strings are looked up by their English text at run time.
"""

from django.utils.translation import gettext_noop, ngettext_lazy, pgettext_lazy

ADMIN = (
    # The header's greeting: a neutral form instead of „Sveiki, Jonas" (the vocative is „Jonai").
    gettext_noop("Welcome,"),
    # The index's hidden table headers (Django 5.1+).
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Models in the %(name)s application"),
    gettext_noop("%(app)s administration"),
    # List filters and counts.
    gettext_noop("Any date"),
    gettext_noop("Clear all filters"),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Cannot delete %(name)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    # The audit trail's sentences (history pages, Žurnalo įrašai), with the name after a colon.
    gettext_noop("Added {name} “{object}”."),
    gettext_noop("Changed {fields} for {name} “{object}”."),
    gettext_noop("Deleted {name} “{object}”."),
    gettext_noop("Added “%(object)s”."),
    gettext_noop("Changed “%(object)s” — %(changes)s"),
    gettext_noop("Deleted “%(object)s.”"),
    gettext_noop("Changed {fields}."),
    gettext_noop("log entry"),
    gettext_noop("log entries"),
    # Delete confirmations: the model's name in parentheses, where the nominative is right.
    gettext_noop(
        'Are you sure you want to delete the %(object_name)s "%(escaped_object)s"? All of the '
        "following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s '%(escaped_object)s' would require deleting the "
        "following protected related objects:"
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the following "
        "objects and their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related objects, but "
        "your account doesn't have permission to delete the following types of objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following protected "
        "related objects:"
    ),
)

COUNTS = (ngettext_lazy("%(counter)s result", "%(counter)s results", "counter"),)

# django.contrib.auth on the user and group pages: „naudotojas" (VLKK), not „vartotojas".
AUTH = (
    gettext_noop("superuser status"),
    gettext_noop(
        "Designates that this user has all permissions without explicitly assigning them."
    ),
    gettext_noop(
        "The groups this user belongs to. A user will get all permissions granted to each of "
        "their groups."
    ),
    gettext_noop("user permissions"),
    gettext_noop("Specific permissions for this user."),
    gettext_noop("Designates whether the user can log into this admin site."),
    gettext_noop(
        "Designates whether this user should be treated as active. Unselect this instead of "
        "deleting accounts."
    ),
)

# django-tasks' database backend (its model and fields are marked for translation; no catalogue).
TASKS = (
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("status"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("task name"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)
