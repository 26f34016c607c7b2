from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bigpicture.health import run_checks
from governance.selectors import audit_verification_latest


@require_GET
def home(request):
    return render(request, "home.html", {"audit_verification": audit_verification_latest()})


@never_cache
@require_GET
def healthz(request):
    ok, checks = run_checks()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
