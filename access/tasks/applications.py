"""Beat tasks of access applications: entitlement end dates and expiry reminders."""

from access.services.applications import entitlement_end_dates_enforce, entitlement_expiry_remind
from bigpicture.tasks import portal_task


@portal_task(queue="default")
def application_end_dates() -> dict[str, int]:
    """Close approved applications past their entitlement end (access ends), then remind those whose end
    is near (hourly on beat; idempotent)."""
    return {**entitlement_end_dates_enforce(), **entitlement_expiry_remind()}
