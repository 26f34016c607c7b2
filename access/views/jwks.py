"""/.well-known/jwks.json: the public keys that verify the portal's GA4GH visas."""

from django.http import JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from access.visas.keys import jwks


@require_GET
@cache_control(public=True, max_age=60)
def jwks_json(request):
    return JsonResponse(jwks())
