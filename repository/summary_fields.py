"""The landing-page summary of a dataset version: its keys, in display order.

The importer computes `DatasetVersion.summary` once at publication; pages,
the API, DataCite and JSON-LD all read these keys and nothing else.
"""

SUMMARY_FIELDS: tuple[tuple[str, str], ...] = (
    ("species", "Species"),
    ("anatomical_sites", "Anatomical sites"),
    ("age_range", "Age range"),
    ("sexes", "Sex"),
    ("study_durations", "Study duration"),
    ("extraction_methods", "Extraction methods"),
    ("specimen_types", "Specimen types"),
    ("stainings", "Stainings"),
    ("diagnoses", "Diagnoses and findings"),
    ("image_types", "Image types"),
    ("resolutions_um_per_px", "Resolution (µm/px)"),
    ("scanners", "Scanners"),
)

# Rows shown only when the dataset has a value: a tox-study duration means nothing for a clinical dataset.
SHOWN_WHEN_PRESENT = frozenset({"study_durations"})

# The policy's terms of use, in the order a reader needs them.
POLICY_FIELDS: tuple[tuple[str, str], ...] = (
    ("type_of_access", "Access"),
    ("type_of_dataset", "Type of dataset"),
    ("allowed_uses", "Allowed uses"),
    ("allowed_geographical_distribution", "Where the data may be used"),
    ("duration_of_use", "Duration of use"),
    ("defined_research_question_required", "A defined research question is required"),
    ("consent_restrictions", "Consent restrictions"),
    ("custom_restrictions", "Other restrictions"),
)

# Other keys of `summary` (not in the table):
#   "policy": {"type_of_dataset", "type_of_access", "allowed_uses", "allowed_geographical_distribution",
#              "duration_of_use", "defined_research_question_required", "consent_restrictions",
#              "custom_restrictions", "policy_text"}  (each a string, a list of strings, or None)
#   "organisation": {"name", "pic_code"}
#   "rems_access_link": str | None
#   "sample_images": [{"name": <key in the public storage area>, "alt": str, "width": int, "height": int}]


def summary_rows(summary: dict) -> list[tuple[str, object]]:
    return [(label, summary.get(key)) for key, label in SUMMARY_FIELDS
            if key not in SHOWN_WHEN_PRESENT or summary.get(key)]
