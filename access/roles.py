"""The portal's roles. Each role is a Django group of the same name."""

from django.db import models


class Role(models.TextChoices):
    CONTRIBUTOR = "contributor", "Contributor"
    NODE_COORDINATOR = "node_coordinator", "Node coordinator"
    DATA_STEWARD = "data_steward", "Data steward"
    RESEARCHER = "researcher", "Researcher"
    ADMIN = "admin", "Administrator"
