"""The demo seed creates one account per role, can log in, and is idempotent."""

from access.models import Organisation, User
from access.roles import Role
from bigpicture.demo import DEMO_ACCOUNTS, demo_seed
from governance.services import audit_chain_check


def test_seed_twice_creates_nothing_new(db):
    demo_seed()
    counts = (User.objects.count(), Organisation.objects.count())
    demo_seed()
    assert (User.objects.count(), Organisation.objects.count()) == counts == (len(DEMO_ACCOUNTS), 1)


def test_every_role_has_an_account_that_logs_in(db, client):
    accounts = demo_seed()
    assert {account.role for account in accounts} == set(Role)
    for account in accounts:
        user = User.objects.get(username=account.username)
        assert user.has_role(account.role)
        assert client.login(username=account.username, password=account.password)
        client.logout()


def test_seed_is_audited(db):
    demo_seed()
    report = audit_chain_check()
    assert report.ok and report.rows_checked >= len(DEMO_ACCOUNTS)
