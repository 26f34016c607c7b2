"""/account/keys/: the user's crypt4gh public keys, which downloads are encrypted to (list, add, revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from access.crypt4gh_keys import KeyRefused
from access.forms_keys import PublicKeyForm
from access.selectors.keys import user_public_keys
from access.services.keys import public_key_register, public_key_revoke


@login_required
@require_http_methods(["GET", "POST"])
def key_list(request):
    form = PublicKeyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            key = public_key_register(user=request.user, name=form.cleaned_data["name"],
                                      text=form.cleaned_data["key_text"])
        except KeyRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Key \u201c{key.name}\u201d is registered: downloads are encrypted to it.")
            return redirect("access:keys")
    return render(request, "access/keys/keys.html", {"form": form, "keys": user_public_keys(request.user)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def key_revoke_view(request, pk: int):
    key = get_object_or_404(user_public_keys(request.user, active_only=True), pk=pk)
    public_key_revoke(key=key, actor=request.user)
    messages.success(request, f"Key \u201c{key.name}\u201d is revoked: downloads are no longer encrypted to it.")
    return redirect("access:keys")
