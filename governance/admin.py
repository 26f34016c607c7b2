from django import forms
from django.contrib import admin

from access.models import User
from bigpicture.errors import UserError
from governance.models import (
    Agreement,
    AgreementVersion,
    AuditEvent,
    AuditVerification,
    PseudonymEntry,
    PseudonymKey,
    Signature,
)
from governance.services.agreements import (
    agreement_create,
    agreement_version_publish,
    pdf_check,
    signatory_check,
    signature_record,
)
from governance.services.pseudonyms import pseudonym_key_rotate


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("sequence", "timestamp", "actor_repr", "action", "target_type", "target_id")
    list_filter = ("action", "target_type")
    search_fields = ("actor_repr", "action", "target_id", "target_repr")
    date_hierarchy = "timestamp"


@admin.register(AuditVerification)
class AuditVerificationAdmin(ReadOnlyAdmin):
    list_display = ("checked_at", "ok", "rows_checked", "first_bad_sequence", "checked_by")
    list_filter = ("ok",)
    search_fields = ("message",)
    date_hierarchy = "checked_at"


class ServiceAddAdmin(admin.ModelAdmin):
    """Rows are added through a service (validated, audited) and never edited afterwards.

    The add forms run the services' checks in `clean`, so a refusal is a form error.
    """

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields] if obj else ()

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = self.create(request, form.cleaned_data)
        obj.pk = created.pk
        form.instance = created


def _as_form_error(check, *args, **kwargs) -> None:
    try:
        check(*args, **kwargs)
    except UserError as exc:
        raise forms.ValidationError(str(exc)) from exc


@admin.register(Agreement)
class AgreementAdmin(ServiceAddAdmin):
    list_display = ("title", "kind", "slug", "created")
    prepopulated_fields = {"slug": ("title",)}
    fields = ("kind", "title", "slug")

    def create(self, request, data):
        return agreement_create(kind=data["kind"], title=data["title"], slug=data["slug"], actor=request.user)


class AgreementVersionForm(forms.ModelForm):
    class Meta:
        model = AgreementVersion
        fields = ("agreement", "label", "text", "pdf", "effective_from")

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("pdf"):
            raise forms.ValidationError("Give the version's text, a PDF, or both.")
        if data.get("pdf"):
            _as_form_error(pdf_check, data["pdf"], what="The agreement")
        return data


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ServiceAddAdmin):
    form = AgreementVersionForm
    list_display = ("agreement", "label", "effective_from", "supersedes", "sha256")
    list_filter = ("agreement",)
    fields = ("agreement", "label", "text", "pdf", "effective_from")

    def create(self, request, data):
        return agreement_version_publish(agreement=data["agreement"], label=data["label"], text=data["text"],
                                         pdf=data.get("pdf") or None, effective_from=data["effective_from"],
                                         actor=request.user)


class SignatureForm(forms.ModelForm):
    signed_by = forms.ModelChoiceField(queryset=User.objects.filter(memberships__role="signatory").distinct(),
                                       help_text="A signatory member of the organisation.")

    class Meta:
        model = Signature
        fields = ("agreement_version", "organisation", "signed_by", "signed_at", "signed_pdf", "valid_until")

    def clean(self):
        data = super().clean()
        if data.get("signed_by") and data.get("organisation"):
            _as_form_error(signatory_check, user=data["signed_by"], organisation=data["organisation"])
        if data.get("signed_pdf"):
            _as_form_error(pdf_check, data["signed_pdf"], what="The signed copy")
        return data


@admin.register(Signature)
class SignatureAdmin(ServiceAddAdmin):
    form = SignatureForm
    list_display = ("organisation", "agreement_version", "signed_by", "signed_at", "valid_until", "revoked_at")
    list_filter = ("agreement_version__agreement", "organisation")

    def get_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields if field.name != "id"] if obj \
            else SignatureForm.Meta.fields

    def create(self, request, data):
        return signature_record(agreement_version=data["agreement_version"], organisation=data["organisation"],
                                signed_by=data["signed_by"], signed_pdf=data["signed_pdf"],
                                signed_at=data["signed_at"], valid_until=data.get("valid_until"),
                                recorded_by=request.user)


# Secrets never reach the admin: the wrapped secret and the encrypted originals are left out.
_PSEUDONYM_KEY_FIELDS = ("organisation", "version", "state", "created_at", "retired_at", "kek_fingerprint")


@admin.register(PseudonymKey)
class PseudonymKeyAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "version", "state", "created_at", "retired_at")
    list_filter = ("state",)
    search_fields = ("organisation__name",)
    fields = _PSEUDONYM_KEY_FIELDS
    actions = ("rotate",)

    def get_readonly_fields(self, request, obj=None):
        return _PSEUDONYM_KEY_FIELDS

    @admin.action(description="Rotate: retire the active key, activate a new version")
    def rotate(self, request, queryset):
        for organisation in {key.organisation for key in queryset.select_related("organisation")}:
            new = pseudonym_key_rotate(organisation=organisation, actor=request.user)
            self.message_user(request, f"{organisation}: pseudonym key v{new.version} is now active.")


@admin.register(PseudonymEntry)
class PseudonymEntryAdmin(ReadOnlyAdmin):
    list_display = ("pseudonym", "kind", "key", "created_at")
    list_filter = ("kind",)
    search_fields = ("pseudonym",)
    fields = ("pseudonym", "kind", "key", "created_at")

    def get_readonly_fields(self, request, obj=None):
        return self.fields
