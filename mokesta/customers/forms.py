from django import forms
from django.utils.translation import gettext_lazy as _


class LinkContractForm(forms.Form):
    number = forms.CharField(label=_("Contract number"), max_length=30)
    payer_code = forms.CharField(label=_("Payer code"), max_length=20)
