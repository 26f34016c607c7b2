"""Beat tasks of groups: membership expiry and notices, invitation expiry."""

from access.services.groups_expiry import memberships_expire as memberships_expire_service
from bigpicture.tasks import portal_task


@portal_task(queue="default")
def memberships_expire() -> dict[str, int]:
    """Expire and disable due memberships, send expiry notices, expire old invitations (hourly on beat)."""
    return memberships_expire_service()
