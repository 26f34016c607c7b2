"""Forms of the contributor's pages: creating a submission and firing a transition."""

from __future__ import annotations

from django import forms

from access.models import Organisation
from access.selectors import submission_organisations
from repository.models import Dataset


class SubmissionCreateForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), to_field_name="slug",
                                          empty_label=None)
    title = forms.CharField(max_length=255, required=False,
                            help_text="A name you will recognise in your list, e.g. the bundle's folder name.")
    dataset = forms.CharField(max_length=40, required=False, label="Dataset to version (optional)",
                              help_text="The accession of a published dataset this submission adds a version to.")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = submission_organisations(user).order_by("name")

    def clean_dataset(self) -> Dataset | None:
        accession = self.cleaned_data["dataset"].strip().lower()
        if not accession:
            return None
        dataset = Dataset.objects.filter(accession=accession).first()
        if dataset is None:
            raise forms.ValidationError(f"No dataset has the accession {accession}: copy it from the "
                                        "dataset's landing page, or leave the field empty for a new dataset.")
        return dataset


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=40)
    message = forms.CharField(required=False, max_length=10_000)
