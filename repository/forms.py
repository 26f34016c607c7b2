"""Forms of the repository's admin pages."""

from django import forms


class StatusReasonForm(forms.Form):
    """The reason for deprecating or withdrawing datasets: shown to the public on the landing page."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}), max_length=2000, strip=True,
        help_text="Shown on the landing page of each selected dataset, e.g. "
                  "\u201cSuperseded by a corrected cohort\u201d or \u201cConsent withdrawn by the data holder\u201d.",
    )
