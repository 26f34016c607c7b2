"""Seed a dedicated PostgreSQL database with a large synthetic catalogue, fast, and reuse it.

20,000 listed datasets (plus a few withdrawn and registered ones), their versions and
facets, and 1,000,000 images on a skewed distribution, each image linked to a slide
through the being → specimen → block → slide ← staining chain of its dataset.

Rows go in with `COPY ... FROM STDIN` (psycopg2 `copy_expert`) in one transaction; the
secondary indexes of the two big tables are dropped first and rebuilt after, which is
several times faster than maintaining them row by row. Columns come from the models'
`_meta`, and every column the seeder does not know is filled with the field's default,
so a field added to a model does not break the seed.

The database records what it holds in its comment (`COMMENT ON DATABASE`), written only
after a complete seed; a run finding the same marker, and tables matching the models,
reuses the database. Anything else (no marker, a different scale or seed version,
columns that no longer match the models) drops and rebuilds it.

    .venv/bin/python -m bench.catalogue.seed [--reseed] [--datasets N --images N]

The benchmark (`make bench BENCH=catalogue`) seeds on first use; set CATALOGUE_RESEED=1 to force.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bench.catalogue import vocabulary as vocab
from bigpicture.bulk import copy_encode, copy_escape

# Bump when the generated data changes, so existing databases are rebuilt.
SEED_VERSION = 2
DATABASE_NAME = "bigpicture_bench_catalogue"
LISTED = 20_000
IMAGES = 1_000_000
HUGE = 25  # datasets with 10k-16k images
UNLISTED = 200  # withdrawn and registered datasets, which the catalogue must leave out
CENTER = "bp"
CHUNK_ROWS = 100_000
SEEDED_AT = datetime(2026, 7, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Scale:
    datasets: int = LISTED
    images: int = IMAGES
    huge: int = HUGE
    unlisted: int = UNLISTED

    def marker(self) -> dict[str, Any]:
        return {"seed": SEED_VERSION, "datasets": self.datasets, "images": self.images, "huge": self.huge,
                "unlisted": self.unlisted}


@dataclass
class SeedInfo:
    reused: bool
    seconds: float  # of the seed that built the database (this run's, or the recorded one)
    reason: str
    marker: dict[str, Any]


def log(message: str) -> None:
    print(f"catalogue: {message}", flush=True)


# --- The database and its marker ----------------------------------------------------------------------


def _admin(settings_dict: dict):
    import psycopg2

    conn = psycopg2.connect(
        host=settings_dict.get("HOST") or "127.0.0.1", port=settings_dict.get("PORT") or 5432,
        user=settings_dict.get("USER") or "postgres", password=settings_dict.get("PASSWORD") or None,
        dbname="postgres", connect_timeout=5,
    )
    conn.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    return conn


def read_marker(settings_dict: dict) -> dict[str, Any] | None:
    conn = _admin(settings_dict)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           [settings_dict["NAME"]])
            row = cursor.fetchone()
    finally:
        conn.close()
    if row is None:
        return None
    try:
        marker = json.loads(row[0] or "")
    except ValueError:
        return {}
    return marker if isinstance(marker, dict) else {}


def _write_marker(settings_dict: dict, marker: dict[str, Any]) -> None:
    from psycopg2 import sql

    conn = _admin(settings_dict)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(settings_dict["NAME"]), sql.Literal(json.dumps(marker, sort_keys=True))))
    finally:
        conn.close()


def _recreate_database(settings_dict: dict) -> None:
    from psycopg2 import sql

    name = settings_dict["NAME"]
    conn = _admin(settings_dict)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def schema_mismatches(connection) -> list[str]:
    """Tables whose columns differ from their model's (e.g. after an in-place edit of a migration)."""
    problems = []
    with connection.cursor() as cursor:
        for model in _seeded_models():
            table = model._meta.db_table
            present = {col.name for col in connection.introspection.get_table_description(cursor, table)}
            wanted = {field.column for field in model._meta.concrete_fields}
            if present != wanted:
                problems.append(f"{table}: missing {sorted(wanted - present)}, extra {sorted(present - wanted)}")
    return problems


def ensure_seeded(*, reseed: bool = False, scale: Scale | None = None) -> SeedInfo:
    """Make Django's default database (already pointing at the catalogue database) hold the catalogue."""
    from django.db import connection

    scale = scale or Scale()
    settings_dict = connection.settings_dict
    marker = read_marker(settings_dict)
    wanted = scale.marker()
    if reseed:
        reason = "reseed requested"
    elif marker is None:
        reason = "database missing"
    elif {key: marker.get(key) for key in wanted} != wanted:
        reason = "no complete seed of this version and scale"
    else:
        _migrate()  # new migrations (indexes, columns) apply to the seeded data
        problems = schema_mismatches(connection)
        if not problems:
            return SeedInfo(True, float(marker.get("seconds", 0.0)), "reused", marker)
        reason = "tables no longer match the models (" + "; ".join(problems) + ")"

    log(f"seeding {settings_dict['NAME']} ({reason}): {scale.datasets:,} listed datasets, "
        f"{scale.images:,} images")
    started = time.perf_counter()
    connection.close()
    _recreate_database(settings_dict)
    _migrate()
    problems = schema_mismatches(connection)
    if problems:
        raise RuntimeError("the migrations do not create the tables the models describe; run makemigrations? "
                           + "; ".join(problems))
    log(f"migrated in {time.perf_counter() - started:.1f} s")
    _load(connection, scale)
    log("vacuum analyze")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    seconds = time.perf_counter() - started
    marker = {**wanted, "seconds": round(seconds, 1), "seeded": datetime.now(UTC).isoformat(timespec="seconds")}
    _write_marker(settings_dict, marker)
    log(f"seeded in {seconds:.1f} s")
    return SeedInfo(False, seconds, reason, marker)


# --- COPY ------------------------------------------------------------------------------------------------


def _default(field) -> Any:
    from django.db import models

    if field.has_default():
        value = field.get_default()
        return value.value if hasattr(value, "value") else value  # TextChoices members
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return SEEDED_AT
    if field.null:
        return None
    if field.empty_strings_allowed and not isinstance(field, models.DateField | models.DateTimeField):
        return ""
    raise RuntimeError(f"the seeder has no value for {field.model.__name__}.{field.name}; "
                       "give it one in bench/catalogue/seed.py")


class Copier:
    """COPY rows into a model's table: the `given` columns per row, every other column its default.

    Rows are tuples of strings already encoded for COPY (see `bigpicture.bulk.copy_encode`), in `given` order.
    An auto-increment primary key not in `given` is left to the database.
    """

    def __init__(self, model, given: Iterable[str]):
        from django.db import models

        self.model = model
        self.table = model._meta.db_table
        given = list(given)
        fields = {field.attname: field for field in model._meta.concrete_fields}
        unknown = [name for name in given if name not in fields]
        if unknown:
            raise RuntimeError(f"{model.__name__} has no field {', '.join(unknown)}")
        columns, template = [], []
        for attname, field in fields.items():
            if attname in given:
                template.append("{" + str(given.index(attname)) + "}")
            elif field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
                continue
            else:
                template.append(copy_encode(_default(field)).replace("{", "{{").replace("}", "}}"))
            columns.append(field.column)
        self.columns = columns
        self.line = "\t".join(template) + "\n"
        self.explicit_pk = model._meta.pk.attname in given

    def copy(self, cursor, rows: Iterable[tuple[str, ...]]) -> int:
        sql = 'COPY "{}" ({}) FROM STDIN'.format(self.table, ", ".join(f'"{c}"' for c in self.columns))
        line = self.line.format
        total = 0
        batch: list[str] = []
        for row in rows:
            batch.append(line(*row))
            if len(batch) >= CHUNK_ROWS:
                cursor.copy_expert(sql, io.StringIO("".join(batch)), size=1 << 20)
                total += len(batch)
                batch.clear()
        if batch:
            cursor.copy_expert(sql, io.StringIO("".join(batch)), size=1 << 20)
            total += len(batch)
        if self.explicit_pk and total:
            pk = self.model._meta.pk.column
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{self.table}\"', '{pk}'), "
                           f'(SELECT max("{pk}") FROM "{self.table}"))')
        return total


def check_foreign_keys(cursor, tables: list[str]) -> None:
    """Fail if any row of these tables points at a missing row (one anti-join per foreign key)."""
    cursor.execute("""
        SELECT con.conrelid::regclass::text, a.attname, con.confrelid::regclass::text, fa.attname
        FROM pg_constraint con
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
        JOIN pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = con.confkey[1]
        WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.conrelid = ANY(%s::regclass[])""",
                   [tables])
    for table, column, target, target_column in cursor.fetchall():
        cursor.execute(f"SELECT count(*) FROM {table} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
                       f"(SELECT 1 FROM {target} t WHERE t.{target_column} = c.{column})")
        broken = cursor.fetchone()[0]
        if broken:
            raise RuntimeError(f"seed bug: {broken} rows of {table}.{column} point at no row of {target}")


@contextmanager
def indexes_rebuilt_after(cursor, table: str) -> Iterator[None]:
    """Drop the table's secondary indexes and unique constraints, and create them again on exit."""
    cursor.execute("""
        SELECT con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con
        WHERE con.conrelid = %s::regclass AND con.contype = 'u'""", [table])
    constraints = cursor.fetchall()
    cursor.execute("""
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)""", [table])
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for _, definition in indexes:
        cursor.execute(definition)


# --- The rows ---------------------------------------------------------------------------------------------


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _attribute(tag: str, value: Any, units: str | None = None) -> dict[str, Any]:
    return {"kind": "string" if isinstance(value, str) else "numeric", "tag": tag, "value": value,
            "units": units, "nil": None}


def _seeded_models() -> list:
    from access.models import Organisation
    from repository import models as m

    return [Organisation, m.Dataset, m.DatasetVersion, m.DatasetFacet, m.BiologicalBeing, m.Specimen, m.Block,
            m.Block.specimens.through, m.Staining, m.Slide, m.Image, m.Image.slides.through]


def _load(connection, scale: Scale) -> None:
    from django.db import transaction

    from access.models import Organisation
    from repository import models as m

    started = time.perf_counter()
    orgs, datasets = vocab.plan(scale.datasets, scale.images, huge=scale.huge, unlisted=scale.unlisted)
    log(f"planned {len(datasets):,} datasets in {time.perf_counter() - started:.1f} s")

    # Ids are assigned here: version ids in order, and one sample chain per dataset with images,
    # whose being/specimen/block/staining/slide ids all equal the dataset's index.
    version_ids: dict[tuple[int, int], int] = {}
    next_id = 1
    for dataset in datasets:
        for version in dataset.versions:
            version_ids[(dataset.index, version.number)] = next_id
            next_id += 1

    def latest_id(dataset: vocab.DatasetPlan) -> int | None:
        return version_ids[(dataset.index, dataset.versions[-1].number)] if dataset.versions else None

    with_images = [d for d in datasets if d.images]

    with transaction.atomic():
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Foreign keys are deferred triggers; queued per row they cost more than the load and
        # block rebuilding indexes mid-transaction. A superuser can skip them (as pg_restore
        # does) and check every foreign key in one set-based query per key at the end.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        skip_triggers = cursor.fetchone()[0]
        if skip_triggers:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:  # checked at the end of each COPY, so none is pending when indexes are rebuilt
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        def step(label: str, copier: Copier, rows: Iterable[tuple[str, ...]]) -> None:
            began = time.perf_counter()
            count = copier.copy(cursor, rows)
            log(f"  {label:<22} {count:>9,} rows in {time.perf_counter() - began:5.1f} s")

        step("organisations", Copier(Organisation, ["id", "name", "slug", "country", "website", "contact_email",
                                                    "created"]),
             ((str(o.id), copy_escape(o.name), o.slug, o.country, f"https://{o.slug}.example.org",
               f"data@{o.slug}.example.org", SEEDED_AT.isoformat()) for o in orgs))
        step("datasets", Copier(m.Dataset, ["id", "accession", "alias", "organisation_id", "status",
                                            "status_reason", "latest_version_id", "created"]),
             ((str(d.index), vocab.accession(CENTER, "dataset", d.index), f"dataset-{d.index}",
               str(d.organisation.id), d.status,
               "Withdrawn at the request of the data holder." if d.status == "withdrawn" else "",
               copy_encode(latest_id(d)),
               (d.versions[0].published_at if d.versions else SEEDED_AT).isoformat()) for d in datasets))
        step("dataset versions", Copier(m.DatasetVersion, [
            "id", "dataset_id", "number", "alias", "title", "short_name", "description", "version_label",
            "metadata_standard", "dataset_type", "contact_email", "attributes", "is_clinical", "access_type",
            "keywords", "doi", "changelog", "summary", "beings_count", "cases_count", "images_count",
            "observations_count", "annotations_count", "total_bytes", "search_text", "published_at"]),
             ((str(version_ids[(d.index, v.number)]), str(d.index), str(v.number), f"dataset-{d.index}",
               copy_escape(v.title), copy_escape(v.short_name), copy_escape(v.description), f"{v.number}.0", "2.0.0",
               "clinical" if v.is_clinical else "non-clinical", f"data@{d.organisation.slug}.example.org",
               copy_encode([_attribute("keywords", ", ".join(v.keywords))]), copy_encode(v.is_clinical), v.access_type,
               copy_encode(v.keywords), f"10.99999/{vocab.accession(CENTER, 'dataset', d.index)}.v{v.number}",
               copy_escape(v.changelog), copy_encode(v.summary), str(v.beings_count), str(v.cases_count),
               str(v.images_count), str(v.observations_count), str(v.annotations_count), str(v.total_bytes),
               copy_escape(v.search_text), copy_encode(v.published_at))
              for d in datasets for v in d.versions))

        if any(f.name == "search_vector" for f in m.DatasetVersion._meta.concrete_fields):
            # A stored search vector, if the model keeps one, is filled from search_text as on publication.
            cursor.execute("UPDATE repository_datasetversion SET search_vector = "
                           "to_tsvector('english'::regconfig, COALESCE(search_text, ''))")

        def facet_rows() -> Iterator[tuple[str, ...]]:
            for d in datasets:
                for v in d.versions:
                    version_id = str(version_ids[(d.index, v.number)])
                    for facet, value in v.facets:
                        yield version_id, facet, copy_escape(value)

        step("dataset facets", Copier(m.DatasetFacet, ["version_id", "facet", "value"]), facet_rows())

        def sample_rows(kind: str, offset: int, extra) -> Iterator[tuple[str, ...]]:
            for d in with_images:
                alias = f"{kind}-1"
                yield (str(d.index), str(latest_id(d)), alias,
                       vocab.accession(CENTER, "staining" if kind == "staining" else "sample", offset + d.index),
                       copy_encode([_attribute("kind", kind)]), _hash(f"{kind}:{d.index}"), *extra(d))

        base = ["id", "version_id", "alias", "accession", "attributes", "content_hash"]
        step("biological beings", Copier(m.BiologicalBeing, base), sample_rows("being", 0, lambda d: ()))
        step("specimens", Copier(m.Specimen, [*base, "being_id", "case_id"]),
             sample_rows("specimen", 1_000_000, lambda d: (str(d.index), "\\N")))
        step("blocks", Copier(m.Block, base), sample_rows("block", 2_000_000, lambda d: ()))
        step("block specimens", Copier(m.Block.specimens.through, ["block_id", "specimen_id"]),
             ((str(d.index), str(d.index)) for d in with_images))
        step("stainings", Copier(m.Staining, [*base, "procedure_information", "stains"]),
             sample_rows("staining", 0, lambda d: ("\\N", copy_encode([{"name": s} for s in
                                                                   d.versions[-1].summary["stainings"]]))))
        step("slides", Copier(m.Slide, [*base, "block_id", "staining_id"]),
             sample_rows("slide", 3_000_000, lambda d: (str(d.index), str(d.index))))

        def image_rows() -> Iterator[tuple[str, ...]]:
            image_id = 0
            for d in with_images:
                version_id = str(latest_id(d))
                summary = d.versions[-1].summary
                attributes = copy_encode([_attribute("scanner", summary["scanners"][0]),
                                     _attribute("resolution", summary["resolutions_um_per_px"][0], "um/px")])
                for number in range(1, d.images + 1):
                    image_id += 1
                    accession = vocab.accession(CENTER, "image", image_id)
                    yield (str(image_id), version_id, f"image-{number}", accession, attributes,
                           hashlib.sha256(accession.encode()).hexdigest(), "WSI_IMAGE")

        def image_slide_rows() -> Iterator[tuple[str, ...]]:
            image_id = 0
            for d in with_images:
                slide = str(d.index)
                for _ in range(d.images):
                    image_id += 1
                    yield str(image_id), slide

        for model, label, copier, rows in (
            (m.Image, "images", Copier(m.Image, ["id", "version_id", "alias", "accession", "attributes",
                                                 "content_hash", "image_type"]), image_rows()),
            (m.Image.slides.through, "image slides", Copier(m.Image.slides.through, ["image_id", "slide_id"]),
             image_slide_rows()),
        ):
            began = time.perf_counter()
            with indexes_rebuilt_after(cursor, model._meta.db_table):
                step(label, copier, rows)
            log(f"  {label:<22} indexes rebuilt; {time.perf_counter() - began:5.1f} s in all")
        if skip_triggers:
            began = time.perf_counter()
            cursor.execute("SET LOCAL session_replication_role = origin")
            check_foreign_keys(cursor, [model._meta.db_table for model in _seeded_models()])
            log(f"  foreign keys checked in {time.perf_counter() - began:.1f} s")
        cursor.close()


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m bench.catalogue.seed", description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="drop and rebuild even if already seeded")
    parser.add_argument("--datasets", type=int, default=LISTED)
    parser.add_argument("--images", type=int, default=IMAGES)
    parser.add_argument("--huge", type=int, default=HUGE)
    parser.add_argument("--database", default=DATABASE_NAME)
    args = parser.parse_args(argv)

    from bench import services

    os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
    if not services.reachable("127.0.0.1", 5432) and not os.environ.get("DATABASE_URL"):
        print("catalogue: PostgreSQL is not reachable on 127.0.0.1:5432; the catalogue seed needs it")
        return 2
    os.environ.setdefault("DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{args.database}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bigpicture.settings")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        print("catalogue: DATABASE_URL is not PostgreSQL; the catalogue seed needs it")
        return 2
    connection.settings_dict["NAME"] = args.database
    info = ensure_seeded(reseed=args.reseed, scale=Scale(args.datasets, args.images, args.huge))
    log(f"{'reused' if info.reused else 'seeded'} {args.database}: {info.marker}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
