"""Forms of the account pages."""

from django import forms

from access.tokens import DEFAULT_DAYS, MAX_DAYS


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True,
                           help_text="Where the token is used, for example \u201clab uploader\u201d.")
    days = forms.IntegerField(min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS, label="Valid for (days)",
                              help_text=f"1 to {MAX_DAYS} days. Revoke the token when you no longer need it.")
