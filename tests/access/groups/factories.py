import factory

from access.models import Group, GroupKind
from tests.access.factories import OrganisationFactory


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    kind = GroupKind.GROUP
