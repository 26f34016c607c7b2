from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from bigpicture.health import may_run_deep_checks, run_checks, status_cached
from governance.selectors import audit_verification_latest
from repository.keys import crypt4gh_public_key


@require_GET
def home(request):
    return render(request, "home.html", {"audit_verification": audit_verification_latest()})


@never_cache
@require_GET
def healthz(request):
    if may_run_deep_checks(request):
        ok, checks = run_checks()
        body = {"status": "ok" if ok else "fail", "checks": checks}
    else:
        ok = status_cached()
        body = {"status": "ok" if ok else "fail"}
    return JsonResponse(body, status=200 if ok else 503)


@cache_control(public=True, max_age=3600)
@require_GET
def crypt4gh_public_key_file(request):
    """The repository's crypt4gh public key, for contributors to encrypt their files to."""
    key = crypt4gh_public_key()
    if key is None:
        raise Http404("this repository has no crypt4gh key configured")
    return HttpResponse(key, content_type="text/plain; charset=utf-8")
