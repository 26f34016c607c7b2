"""A published dataset version with everything a citation reads: DOI, keywords, summary, policy."""

import datetime

import factory

from tests.access.factories import OrganisationFactory
from tests.repository.factories import DatasetFactory, DatasetVersionFactory


class CitedOrganisationFactory(OrganisationFactory):
    name = factory.Sequence(lambda n: f"Karolinska Pathology {n}")
    website = "https://pathology.example.org/"
    contact_email = "data@pathology.example.org"


class CitableVersionFactory(DatasetVersionFactory):
    dataset = factory.SubFactory(DatasetFactory, organisation=factory.SubFactory(CitedOrganisationFactory))
    title = "Breast cancer core needle biopsies"
    short_name = "BRCA-CNB"
    description = "Whole-slide images of 40 core needle biopsies, stained with H&E."
    keywords = ["breast cancer", "biopsy"]
    doi = "10.12345/bp.brca-cnb"
    number = 2
    images_count = 40
    total_bytes = 123_456_789
    published_at = datetime.datetime(2024, 3, 14, 12, 0, tzinfo=datetime.UTC)
    summary = factory.LazyFunction(lambda: {
        "species": [{"kind": "code", "code": "337915000", "scheme": "SNOMED CT", "meaning": "Homo sapiens"}],
        "diagnoses": ["Invasive ductal carcinoma", {"nil": True}],
        "stainings": ["H&E"],
        "organisation": {"name": "Bundle organisation", "pic_code": "999999999"},
        "policy": {
            "type_of_dataset": "Clinical/Pseudonymized",
            "type_of_access": "Indirect",
            "allowed_uses": ["Research", "AI training"],
            "allowed_geographical_distribution": "EU/EEA",
            "duration_of_use": None,
            "defined_research_question_required": "Yes",
            "consent_restrictions": None,
            "custom_restrictions": None,
            "policy_text": "Data may only be used for non-commercial research.",
        },
    })
