"""/account/tokens/: the user's personal API tokens (list, create, revoke)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from access.forms import TokenCreateForm
from access.selectors import user_tokens
from access.services import token_create, token_revoke
from bigpicture.errors import UserError


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenCreateForm(request.POST or None)
    created = plaintext = None
    if request.method == "POST" and form.is_valid():
        try:
            created, plaintext = token_create(user=request.user, name=form.cleaned_data["name"],
                                              days=form.cleaned_data["days"], actor=request.user)
        except UserError as exc:
            form.add_error(None, str(exc))
        else:
            form = TokenCreateForm()
    # The plaintext is in this one response only; never_cache keeps it out of caches.
    return render(request, "access/tokens.html", {
        "form": form, "tokens": user_tokens(request.user), "created": created, "plaintext": plaintext,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def token_revoke_view(request, pk: int):
    token = get_object_or_404(user_tokens(request.user), pk=pk)
    token_revoke(token=token, actor=request.user)
    messages.success(request, f"Token \u201c{token.name}\u201d (bpt_{token.prefix}_\u2026) is revoked: "
                              "clients using it are refused from now on.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("access:tokens")
    return redirect(back)
