"""The portal's django/forms/widgets/attrs.html (a filter instead of Django's template loop)
writes exactly what Django's own template writes, for every kind of value, and every form
field of the site renders through it (FORM_RENDERER)."""

import re
from pathlib import Path

import django
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.template import Context, Engine
from django.template.loader import render_to_string

from mokesta.portal.templatetags.portal_tags import html_attrs

DJANGOS = Path(django.__file__).parent / "forms/templates/django/forms/widgets/attrs.html"


@pytest.mark.parametrize(
    "attrs",
    [
        {},
        {"id": "id_email", "maxlength": 254, "required": True, "autofocus": False},
        {"disabled": True, "value": 0, "step": 0.5, "data-x": None},
        {"placeholder": '"quoted" <b>&', "aria-describedby": "a b", "checked": True},
        {"title": "Žemaitė – ąčęėįšųūž"},
    ],
)
def test_it_writes_what_djangos_template_writes(attrs):
    djangos = (
        Engine().from_string(DJANGOS.read_text()).render(Context({"widget": {"attrs": attrs}}))
    )
    assert html_attrs(attrs) == djangos


def test_every_widget_renders_through_the_portals_copy():
    used = get_default_renderer().get_template("django/forms/widgets/attrs.html")
    assert used.origin.name.endswith("mokesta/portal/templates/django/forms/widgets/attrs.html")

    class Form(forms.Form):
        email = forms.EmailField(max_length=254, widget=forms.EmailInput(attrs={"x-planted": "1"}))
        role = forms.ChoiceField(choices=[("view", "<View>")])
        sure = forms.BooleanField(required=False)

    html = str(Form())
    assert '<input type="email" name="email" x-planted="1" maxlength="254" required' in html
    assert '<select name="role" id="id_role">' in html and "&lt;View&gt;" in html
    assert '<input type="checkbox" name="sure" id="id_sure">' in html


def test_a_fields_errors_are_the_element_its_aria_describedby_names():
    """Django writes aria-describedby="<id>_error" on a field with errors: the portal's error
    list under the label carries that id, so a screen reader reads the error with the field."""

    class Form(forms.Form):
        email = forms.EmailField()
        role = forms.ChoiceField(choices=[("view", "View")])

    html = render_to_string("portal/form_fields.html", {"form": Form({"email": "x", "role": "z"})})
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described == ["id_email_error", "id_role_error"]
    for ids in described:
        for name in ids.split():
            assert f'id="{name}"' in html, name


def test_every_widget_writes_what_djangos_templates_write():
    """The portal's copies of input.html, select.html and select_option.html (the attributes
    through the filter, a select's options in its own loop: not an include per element) against
    Django's own, for every kind of field."""

    class Everything(forms.Form):
        text = forms.CharField(max_length=20, help_text="Pagalba")
        email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
        number = forms.IntegerField(min_value=0)
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        secret = forms.CharField(widget=forms.PasswordInput)
        hidden = forms.CharField(widget=forms.HiddenInput)
        sure = forms.BooleanField(required=False)
        role = forms.ChoiceField(choices=[("view", "<Peržiūra>"), ("pay", 'Moka "x"')])
        roles = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")])
        grouped = forms.ChoiceField(
            choices=[("", "Visos"), ("Velžys", [("1", "Liepų g. 3"), ("2", "Sodų g. 1")])]
        )
        radio = forms.ChoiceField(choices=[("1", "Vienas")], widget=forms.RadioSelect)
        note = forms.CharField(widget=forms.Textarea)
        photo = forms.FileField(required=False)

    bound = {"text": "ą & <b>", "email": "x", "number": "-1", "role": "pay", "roles": ["b"]}
    bound["grouped"] = "2"
    for form in (Everything(), Everything(bound)):
        ours = str(form)
        form.renderer = DjangoTemplates()
        assert ours == str(form)
    assert "&lt;Peržiūra&gt;" in ours and 'value="ą &amp; &lt;b&gt;"' in ours
