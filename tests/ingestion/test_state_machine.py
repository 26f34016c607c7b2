"""The submission state machine: the one transition table decides, for the service and the buttons."""

import pytest

from access.roles import Role
from access.services import role_grant
from governance.models import AuditEvent
from ingestion.models import Submission
from ingestion.selectors import submission_actions
from ingestion.services.submissions import TransitionRefused, submission_transition
from ingestion.states import FINAL_STATES, TRANSITIONS, SubmissionState, transitions_from
from tests.access.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = SubmissionState


@pytest.fixture
def people():
    organisation = OrganisationFactory()
    contributor = UserFactory(organisation=organisation)
    role_grant(user=contributor, role=Role.CONTRIBUTOR)
    steward = UserFactory(organisation=OrganisationFactory())
    role_grant(user=steward, role=Role.DATA_STEWARD)
    outsider = UserFactory(organisation=OrganisationFactory())
    role_grant(user=outsider, role=Role.CONTRIBUTOR)
    return organisation, contributor, steward, outsider


def _submission(organisation, contributor, state=S.DRAFT):
    return Submission.objects.create(organisation=organisation, created_by=contributor, state=state)


def test_every_state_but_the_final_ones_has_a_way_on():
    for state in S.values:
        assert bool(transitions_from(state)) != (state in FINAL_STATES), state
    targets = {t.target for t in TRANSITIONS}
    assert targets | {S.DRAFT} == set(S.values)


def test_the_happy_path_records_one_event_per_step(people):
    organisation, contributor, steward, _ = people
    submission = _submission(organisation, contributor)
    steps = [("upload", None), ("submit", contributor), ("validation_passed", None),
             ("processing_done", None), ("approve", steward), ("publish_done", None)]
    for action, actor in steps:
        submission_transition(submission=submission, action=action, actor=actor)
    submission.refresh_from_db()
    assert submission.state == S.PUBLISHED
    assert [(e.action, e.to_state) for e in submission.events.all()] == [
        ("upload", S.UPLOADING), ("submit", S.VALIDATING), ("validation_passed", S.PROCESSING),
        ("processing_done", S.AWAITING_REVIEW), ("approve", S.PUBLISHING), ("publish_done", S.PUBLISHED)]
    assert AuditEvent.objects.filter(action="submission.approve", actor=steward).count() == 1


def test_a_transition_from_the_wrong_state_is_refused_and_changes_nothing(people):
    organisation, contributor, steward, _ = people
    submission = _submission(organisation, contributor)
    with pytest.raises(TransitionRefused, match="draft"):
        submission_transition(submission=submission, action="approve", actor=steward)
    submission.refresh_from_db()
    assert submission.state == S.DRAFT and not submission.events.exists()


@pytest.mark.parametrize("action,who", [("approve", "contributor"), ("submit", "outsider"),
                                        ("submit", "steward"), ("validation_passed", "contributor")])
def test_only_the_side_the_table_names_may_fire(people, action, who):
    organisation, contributor, steward, outsider = people
    actor = {"contributor": contributor, "steward": steward, "outsider": outsider}[who]
    state = {"approve": S.AWAITING_REVIEW, "submit": S.UPLOADING, "validation_passed": S.VALIDATING}[action]
    submission = _submission(organisation, contributor, state)
    with pytest.raises(TransitionRefused, match="may not"):
        submission_transition(submission=submission, action=action, actor=actor)


def test_return_and_reject_need_reasons(people):
    organisation, contributor, steward, _ = people
    submission = _submission(organisation, contributor, S.AWAITING_REVIEW)
    with pytest.raises(TransitionRefused, match="needs a message"):
        submission_transition(submission=submission, action="return", actor=steward, message="  ")
    event = submission_transition(submission=submission, action="return", actor=steward,
                                  message="Stainings lack their procedure.")
    assert event.to_state == S.RETURNED and event.message.startswith("Stainings")


def test_the_buttons_are_the_table_filtered_by_who_asks(people):
    organisation, contributor, steward, outsider = people
    submission = _submission(organisation, contributor, S.AWAITING_REVIEW)
    assert {t.action for t in submission_actions(submission, steward)} == {"approve", "return", "reject"}
    assert {t.action for t in submission_actions(submission, contributor)} == {"cancel"}
    assert submission_actions(submission, outsider) == []


def test_a_returned_submission_may_be_submitted_again_without_new_files(people):
    organisation, contributor, steward, _ = people
    submission = _submission(organisation, contributor, S.RETURNED)
    assert "submit" in {t.action for t in submission_actions(submission, contributor)}
    event = submission_transition(submission=submission, action="submit", actor=contributor)
    assert (event.from_state, event.to_state) == (S.RETURNED, S.VALIDATING)
