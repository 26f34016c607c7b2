from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bigpicture.health import may_run_deep_checks, run_checks, status_cached
from governance.selectors import audit_verification_latest


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
