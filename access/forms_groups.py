"""Forms of the group pages: add a member, invite (one or a CSV), ask for and decide extensions."""

from django import forms

MAX_CSV_BYTES = 256 * 1024


class MemberAddForm(forms.Form):
    user = forms.CharField(max_length=254, label="Username or email",
                           help_text="Someone with an account on the portal; invite anyone else by email.")


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Email")
    name = forms.CharField(max_length=200, required=False, label="Name (optional)")


class InvitationCsvForm(forms.Form):
    file = forms.FileField(label="CSV file", help_text="One invitation a line: email[,name]. A header line "
                                                       "'email,name' is allowed. If any line is wrong, nobody is "
                                                       "invited and each wrong line is listed.")

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_CSV_BYTES // 1024} KiB; split it.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text; save it as CSV (UTF-8).") from None


class ExtensionRequestForm(forms.Form):
    message = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                              label="Why (optional)")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    message = forms.CharField(required=False, max_length=2000, label="Message to the member (optional)")
