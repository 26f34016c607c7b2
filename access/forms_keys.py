"""The form that registers a crypt4gh public key (pasted or uploaded)."""

from django import forms

from access.crypt4gh_keys import MAX_KEY_TEXT, KeyRefused, public_key_read


class PublicKeyForm(forms.Form):
    name = forms.CharField(max_length=100, strip=True, required=False,
                           help_text="Which key this is, for example \u201claptop\u201d or \u201cHPC cluster\u201d.")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}), required=False,
                           label="Public key", help_text="Paste your .pub file: -----BEGIN CRYPT4GH PUBLIC KEY----- "
                                                         "\u2026, or an ssh-ed25519 public key line.")
    upload = forms.FileField(required=False, label="\u2026 or choose the .pub file")

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        text = data.get("text") or ""
        if upload is not None:
            if upload.size > MAX_KEY_TEXT:
                raise forms.ValidationError("This file is far bigger than a public key. Choose the .pub file.")
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("This file is not a text key file. Choose the .pub file.") from None
        try:
            public_key_read(text)
        except KeyRefused as error:
            raise forms.ValidationError(str(error)) from None
        data["key_text"] = text
        return data
