"""/dacs/<pk>/: the public page of a data access committee, so a visa's `source` resolves."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from access.models import Workflow


@require_GET
def dac_detail(request, pk: int):
    workflow = get_object_or_404(Workflow.objects.select_related("organisation"), pk=pk)
    return render(request, "access/entitlements/dac.html", {"workflow": workflow})
