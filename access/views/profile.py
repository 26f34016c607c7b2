"""/account/: who the signed-in user is (account, Life Science AAI identities, inbound visas, tokens)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from access.selectors import user_tokens
from access.selectors.identities import user_identities
from access.selectors.visas import is_bona_fide, user_visas


@login_required
@require_GET
def profile(request):
    user = request.user
    valid = set(user_visas(user, valid_only=True).values_list("pk", flat=True))
    return render(request, "access/profile.html", {
        "identities": user_identities(user),
        "visas": [(visa, visa.pk in valid) for visa in user_visas(user)],
        "bona_fide": is_bona_fide(user),
        "tokens": user_tokens(user),
        "now": timezone.now(),
    })
