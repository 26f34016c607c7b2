"""A deterministic synthetic catalogue: organs, diagnoses, stains, species and the text built from them.

Pure Python, no Django: `plan()` returns one `DatasetPlan` per dataset with its versions,
facets and image count, drawn from a seeded generator so every seed is the same catalogue.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

SEED = 20261125

# Organ -> (weight, diagnoses seen there). Weights follow what pathology archives hold most.
ORGANS: dict[str, tuple[float, tuple[str, ...]]] = {
    "breast": (14, ("invasive ductal carcinoma", "invasive lobular carcinoma", "ductal carcinoma in situ",
                    "fibroadenoma", "triple-negative breast cancer")),
    "prostate": (10, ("prostate adenocarcinoma", "benign prostatic hyperplasia", "high-grade PIN")),
    "lung": (9, ("lung adenocarcinoma", "squamous cell carcinoma", "small cell carcinoma", "mesothelioma",
                 "idiopathic pulmonary fibrosis")),
    "colon": (9, ("colorectal adenocarcinoma", "tubular adenoma", "ulcerative colitis", "Crohn disease",
                  "serrated polyp")),
    "skin": (6, ("melanoma", "basal cell carcinoma", "squamous cell carcinoma", "naevus", "psoriasis")),
    "kidney": (6, ("clear cell renal cell carcinoma", "papillary renal cell carcinoma", "IgA nephropathy",
                   "diabetic nephropathy", "transplant rejection")),
    "liver": (5, ("hepatocellular carcinoma", "cholangiocarcinoma", "steatohepatitis", "cirrhosis",
                  "chronic hepatitis")),
    "stomach": (4, ("gastric adenocarcinoma", "Helicobacter gastritis", "intestinal metaplasia")),
    "lymph node": (4, ("diffuse large B-cell lymphoma", "Hodgkin lymphoma", "follicular lymphoma",
                       "metastatic carcinoma", "reactive hyperplasia")),
    "brain": (3, ("glioblastoma", "astrocytoma", "meningioma", "oligodendroglioma")),
    "pancreas": (3, ("pancreatic ductal adenocarcinoma", "neuroendocrine tumour", "chronic pancreatitis")),
    "thyroid": (3, ("papillary thyroid carcinoma", "follicular adenoma", "Hashimoto thyroiditis")),
    "bladder": (3, ("urothelial carcinoma", "cystitis")),
    "ovary": (2, ("high-grade serous carcinoma", "endometrioid carcinoma", "teratoma")),
    "uterus": (2, ("endometrial carcinoma", "leiomyoma", "endometriosis")),
    "cervix": (2, ("cervical squamous cell carcinoma", "CIN3")),
    "oesophagus": (2, ("oesophageal adenocarcinoma", "Barrett oesophagus")),
    "bone marrow": (2, ("acute myeloid leukaemia", "myelodysplastic syndrome", "multiple myeloma")),
    "soft tissue": (1.5, ("liposarcoma", "leiomyosarcoma", "gastrointestinal stromal tumour")),
    "heart": (1, ("myocarditis", "cardiac amyloidosis", "cardiac allograft rejection")),
    "placenta": (1, ("chorioamnionitis", "placental infarction")),
    "testis": (0.5, ("seminoma", "embryonal carcinoma")),
    "tonsil": (0.5, ("reactive hyperplasia", "tonsillar carcinoma")),
}
GENERAL_DIAGNOSES = ("normal tissue", "inflammation", "fibrosis", "necrosis")

# (species, weight, common name)
SPECIES = (
    ("Homo sapiens", 82, "human"),
    ("Mus musculus", 9, "mouse"),
    ("Rattus norvegicus", 4, "rat"),
    ("Canis lupus familiaris", 2, "canine"),
    ("Sus scrofa", 1.5, "porcine"),
    ("Macaca mulatta", 1, "macaque"),
    ("Danio rerio", 0.5, "zebrafish"),
)
SPECIAL_STAINS = (
    "IHC Ki-67", "IHC HER2", "IHC ER", "IHC PR", "IHC CD3", "IHC CD8", "IHC CD20", "IHC PD-L1", "IHC p53",
    "IHC CK7", "IHC CK20", "IHC AR", "IHC p63", "PAS", "Masson trichrome", "Giemsa", "Ziehl-Neelsen",
    "Congo red", "Alcian blue", "Reticulin silver", "Perls Prussian blue", "Elastica van Gieson",
)
SPECIMEN_TYPES = (
    ("biopsy", 30), ("resection", 25), ("core needle biopsy", 15), ("excision", 10),
    ("tissue microarray core", 8), ("autopsy", 5), ("cytology smear", 4), ("frozen section", 3),
)
EXTRACTION_METHODS = {
    "biopsy": "punch biopsy", "resection": "surgical resection", "core needle biopsy": "core needle biopsy",
    "excision": "excisional biopsy", "tissue microarray core": "tissue microarray punch",
    "autopsy": "autopsy", "cytology smear": "fine needle aspiration", "frozen section": "intraoperative",
}
SCANNERS = ("Leica Aperio GT 450", "Leica Aperio AT2", "Hamamatsu NanoZoomer S360", "Hamamatsu NanoZoomer XR",
            "3DHISTECH Pannoramic 1000", "Philips UFS", "Roche Ventana DP 200", "Grundium Ocus40")
RESOLUTIONS = (0.2428, 0.25, 0.2527, 0.263, 0.5, 0.4942)
TOPICS = ("tumour grading", "survival analysis", "treatment response", "biomarker scoring",
          "tumour-infiltrating lymphocytes", "mitosis detection", "segmentation", "AI training",
          "quality control", "inter-observer variability", "stain normalisation", "molecular subtyping",
          "margin assessment", "metastasis detection", "digital pathology", "foundation models")
CITIES = ("Uppsala", "Stockholm", "Gothenburg", "Linköping", "Nijmegen", "Utrecht", "Leiden", "Amsterdam",
          "Ghent", "Leuven", "Paris", "Lyon", "Marseille", "Heidelberg", "Munich", "Berlin", "Aachen",
          "Vienna", "Graz", "Zurich", "Bern", "Milan", "Turin", "Bologna", "Madrid", "Barcelona", "Lisbon",
          "Porto", "Oslo", "Bergen", "Helsinki", "Tampere", "Copenhagen", "Aarhus", "Warsaw", "Krakow",
          "Prague", "Brno", "Budapest", "Ljubljana", "Dublin", "Cambridge")
KINDS = ("University Hospital", "Institute of Pathology", "Medical Centre", "Cancer Centre",
         "Biobank", "University")
PURPOSES = ("Collected to train and validate computer-aided diagnosis.",
            "Assembled for a retrospective study of outcome after treatment.",
            "Gathered to compare scanners and staining protocols across sites.",
            "Released as a benchmark for weakly supervised learning.",
            "Part of a prospective screening programme.",
            "Used to study inter-observer agreement between pathologists.")
ANNOTATION_NOTES = ("Regions of interest were outlined by two board-certified pathologists.",
                    "Slide-level labels only; no region annotations.",
                    "Tumour regions, stroma and necrosis are annotated as polygons.",
                    "Cell nuclei were annotated on selected fields of view.",
                    "Annotations were made by a pathologist and reviewed by a second.")

POLICY_USES = ("research", "commercial research", "method development", "education")
ACCESS_DIRECT, ACCESS_INDIRECT = "direct", "indirect"
START = datetime(2019, 1, 1, tzinfo=UTC)
END = datetime(2026, 6, 30, tzinfo=UTC)


@dataclass
class Organisation:
    id: int
    name: str
    slug: str
    country: str


@dataclass
class VersionPlan:
    number: int
    title: str
    short_name: str
    description: str
    keywords: list[str]
    search_text: str
    summary: dict
    facets: list[tuple[str, str]]
    published_at: datetime | None
    is_clinical: bool
    access_type: str
    images_count: int
    beings_count: int
    cases_count: int
    observations_count: int
    annotations_count: int
    total_bytes: int
    changelog: str = ""


@dataclass
class DatasetPlan:
    index: int  # 1-based, also the dataset's id
    status: str
    organisation: Organisation
    images: int  # image rows, all on the latest version
    versions: list[VersionPlan] = field(default_factory=list)


def organisations() -> list[Organisation]:
    rng = random.Random(SEED)
    countries = {"Uppsala": "SE", "Stockholm": "SE", "Gothenburg": "SE", "Linköping": "SE", "Nijmegen": "NL",
                 "Utrecht": "NL", "Leiden": "NL", "Amsterdam": "NL", "Ghent": "BE", "Leuven": "BE",
                 "Paris": "FR", "Lyon": "FR", "Marseille": "FR", "Heidelberg": "DE", "Munich": "DE",
                 "Berlin": "DE", "Aachen": "DE", "Vienna": "AT", "Graz": "AT", "Zurich": "CH", "Bern": "CH",
                 "Milan": "IT", "Turin": "IT", "Bologna": "IT", "Madrid": "ES", "Barcelona": "ES",
                 "Lisbon": "PT", "Porto": "PT", "Oslo": "NO", "Bergen": "NO", "Helsinki": "FI",
                 "Tampere": "FI", "Copenhagen": "DK", "Aarhus": "DK", "Warsaw": "PL", "Krakow": "PL",
                 "Prague": "CZ", "Brno": "CZ", "Budapest": "HU", "Ljubljana": "SI", "Dublin": "IE",
                 "Cambridge": "GB"}
    result = []
    for number, city in enumerate(CITIES, start=1):
        name = f"{city} {rng.choice(KINDS)}"
        slug = f"{city.lower().replace('ö', 'o')}-{name.split(' ', 1)[1].lower().replace(' ', '-')}"
        result.append(Organisation(number, name, slug, countries[city]))
    return result


def image_counts(rng: random.Random, n: int, total: int, huge: int) -> list[int]:
    """`n` counts summing to `total`: `huge` datasets of 10k-16k images, a log-normal long tail for the rest."""
    big = [rng.randint(10_000, 16_000) for _ in range(huge)]
    rest_total = total - sum(big)
    rest_n = n - huge
    if rest_total < rest_n:
        raise ValueError(f"{total} images cannot give {n} datasets at least one each after {huge} huge ones")
    raw = [min(rng.lognormvariate(2.8, 1.2), 5000.0) for _ in range(rest_n)]
    scale = (rest_total - rest_n) / sum(raw)
    rest = [1 + int(value * scale) for value in raw]
    short = rest_total - sum(rest)
    for position in sorted(range(rest_n), key=lambda i: -raw[i])[:short]:
        rest[position] += 1
    counts = big + rest
    rng.shuffle(counts)
    return counts


def _weighted(rng: random.Random, items, weights):
    return rng.choices(items, weights=weights, k=1)[0]


_ORGAN_NAMES = list(ORGANS)
_ORGAN_WEIGHTS = [ORGANS[name][0] for name in _ORGAN_NAMES]
_SPECIES_NAMES = [s[0] for s in SPECIES]
_SPECIES_WEIGHTS = [s[1] for s in SPECIES]
_COMMON = {s[0]: s[2] for s in SPECIES}
_SPECIMEN_NAMES = [s[0] for s in SPECIMEN_TYPES]
_SPECIMEN_WEIGHTS = [s[1] for s in SPECIMEN_TYPES]


def _version(rng: random.Random, dataset: DatasetPlan, number: int, published_at: datetime | None,
             images: int) -> VersionPlan:
    organ = _weighted(rng, _ORGAN_NAMES, _ORGAN_WEIGHTS)
    species = _weighted(rng, _SPECIES_NAMES, _SPECIES_WEIGHTS)
    common = _COMMON[species]
    pool = ORGANS[organ][1]
    diagnoses = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2))))
    if rng.random() < 0.15:
        diagnoses.append(rng.choice(GENERAL_DIAGNOSES))
    stains = (["H&E"] if rng.random() < 0.88 else []) + rng.sample(SPECIAL_STAINS, k=rng.choice((0, 0, 1, 1, 2)))
    if not stains:
        stains = [rng.choice(SPECIAL_STAINS)]
    specimen_type = _weighted(rng, _SPECIMEN_NAMES, _SPECIMEN_WEIGHTS)
    scanner = rng.choice(SCANNERS)
    resolution = rng.choice(RESOLUTIONS)
    topics = rng.sample(TOPICS, k=rng.randint(1, 3))
    clinical = species == "Homo sapiens" and rng.random() < 0.9
    access_type = ACCESS_INDIRECT if rng.random() < 0.25 else ACCESS_DIRECT
    beings = max(1, int(images / rng.uniform(1.5, 6)))
    organisation = dataset.organisation
    main = diagnoses[0]
    stain_text = " and ".join(stains[:2]) if len(stains) <= 2 else f"{', '.join(stains[:-1])} and {stains[-1]}"
    title = rng.choice((
        f"{main[0].upper()}{main[1:]} of the {organ}: {specimen_type} whole-slide images",
        f"{organisation.name.split(' ')[0]} {organ} {main} cohort",
        f"{stain_text} stained {organ} {specimen_type}s with {main}",
        f"Whole-slide images of {main} for {topics[0]}",
        f"{organ.capitalize()} {main}: {topics[0]} dataset",
    ))
    if species != "Homo sapiens":
        title = f"{common.capitalize()} model of {main} in the {organ}"
    sentences = [
        f"Whole-slide images of {specimen_type} specimens from {beings:,} "
        f"{'patients' if species == 'Homo sapiens' else f'{common} subjects'} with {', '.join(diagnoses)} "
        f"of the {organ}, stained with {stain_text}.",
        f"Slides were scanned on a {scanner} at {resolution} µm per pixel "
        f"({'40x' if resolution < 0.3 else '20x'} objective equivalent).",
        rng.choice(PURPOSES),
        rng.choice(ANNOTATION_NOTES),
        f"Topics: {', '.join(topics)}.",
    ]
    if clinical:
        sentences.append("Clinical data include age, sex, diagnosis and follow-up where recorded.")
    description = " ".join(sentences)
    keywords = list(dict.fromkeys([organ, main, *stains[:2], *topics, common if species != "Homo sapiens" else
                                   "human"]))
    summary = {
        "species": [species],
        "anatomical_sites": [organ],
        "age_range": f"{rng.randint(18, 45)}–{rng.randint(60, 92)} years" if species == "Homo sapiens" else None,
        "sexes": ["female"] if organ in ("breast", "ovary", "uterus", "cervix", "placenta") else
                 ["male"] if organ in ("prostate", "testis") else ["female", "male"],
        "extraction_methods": [EXTRACTION_METHODS[specimen_type]],
        "specimen_types": [specimen_type],
        "stainings": stains,
        "diagnoses": diagnoses,
        "image_types": ["Whole-slide image"],
        "resolutions_um_per_px": [f"{resolution} um"],
        "scanners": [scanner],
        "policy": {
            "type_of_dataset": "clinical" if clinical else "non-clinical",
            "type_of_access": access_type,
            "allowed_uses": rng.sample(POLICY_USES, k=rng.randint(1, 3)),
            "allowed_geographical_distribution": rng.choice(("EU/EEA", "worldwide", "EU/EEA and adequate "
                                                                                   "countries")),
            "duration_of_use": rng.choice(("1 year", "2 years", "3 years")),
            "defined_research_question_required": rng.choice(("yes", "no")),
            "consent_restrictions": None,
            "custom_restrictions": None,
            "policy_text": "Data may be used under the terms agreed with the data access committee.",
        },
        "organisation": {"name": organisation.name, "pic_code": f"{900000000 + organisation.id * 7919}"},
        "rems_access_link": None,
        "sample_images": [],
    }
    year = str((published_at or END).year)
    # Values as repository/services/publication.py writes them.
    facets = [("species", species), ("anatomical_site", organ), ("specimen_type", specimen_type),
              ("clinical", "Clinical" if clinical else "Non-clinical"), ("access_type", access_type.capitalize()),
              ("organisation", organisation.name), ("year", year)]
    facets += [("stain", stain) for stain in stains[:3]]
    facets += [("diagnosis", diagnosis) for diagnosis in diagnoses]
    facets = list(dict.fromkeys(facets))
    short_name = f"{organ[:4].upper()}-{dataset.index:05d}"
    # Composed like repository/services/publication.py::_search_text.
    search_text = " ".join([title, short_name, description, " ".join(keywords), organisation.name, species, organ,
                            " ".join(diagnoses), " ".join(stains), specimen_type, EXTRACTION_METHODS[specimen_type]])
    return VersionPlan(
        number=number, title=title[:500], short_name=short_name,
        description=description, keywords=keywords, search_text=search_text, summary=summary, facets=facets,
        published_at=published_at, is_clinical=clinical, access_type=access_type, images_count=images,
        beings_count=beings, cases_count=beings + rng.randint(0, beings // 4 + 1),
        observations_count=images * rng.randint(0, 3), annotations_count=int(images * rng.random() * 0.5),
        total_bytes=images * rng.randint(300, 3000) * 1_000_000,
        changelog="" if number == 1 else rng.choice(("Added slides.", "Corrected diagnoses of some cases.",
                                                       "Re-scanned slides with a newer scanner.")),
    )


def plan(listed: int, images: int, *, huge: int, unlisted: int = 0) -> tuple[list[Organisation], list[DatasetPlan]]:
    """`listed` released or deprecated datasets holding `images` images, then `unlisted` withdrawn/registered."""
    rng = random.Random(SEED)
    orgs = organisations()
    counts = image_counts(rng, listed, images, huge=min(huge, listed // 4))
    org_weights = [1 / math.sqrt(n) for n in range(1, len(orgs) + 1)]
    span = (END - START).total_seconds()
    datasets = []
    for index in range(1, listed + unlisted + 1):
        if index <= listed:
            status = "deprecated" if rng.random() < 0.015 else "released"
            n_images = counts[index - 1]
        else:
            status = "withdrawn" if (index - listed) % 2 else "registered"
            n_images = 0
        dataset = DatasetPlan(index, status, _weighted(rng, orgs, org_weights), n_images)
        if status == "registered":
            datasets.append(dataset)  # nothing published yet
            continue
        n_versions = _weighted(rng, (1, 2, 3), (80, 15, 5))
        published = START + timedelta(seconds=rng.random() * span)
        for number in range(1, n_versions + 1):
            dataset.versions.append(_version(rng, dataset, number, published,
                                             n_images if number == n_versions else 0))
            published = min(END, published + timedelta(days=rng.randint(30, 400)))
        datasets.append(dataset)
    return orgs, datasets


ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # repository.accessions.ALPHABET, kept import-free here


def accession(center: str, type_: str, number: int) -> str:
    """A valid-looking accession, unique per (type, number): the number in base 31, scrambled a little."""
    value = (number * 486_813_433_318_137_357 + 12_345) % (31 ** 12)  # a bijection: the factor is coprime to 31
    digits = []
    for _ in range(12):
        value, digit = divmod(value, 31)
        digits.append(ALPHABET[digit])
    text = "".join(digits)
    return f"{center}-{type_}-{text[:6]}-{text[6:]}"
