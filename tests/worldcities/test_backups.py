"""``manage.py backup`` and ``restore``: a round trip into a new database and media folder gives
the same rows and files; a missing or damaged backup, or a target that holds data, is refused
with nothing restored."""

import json
import uuid
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from psycopg import sql

from tests.meetings.factories import MeetingFactory, RegistrationFactory
from tests.practices.factories import AttachmentFactory, CommentFactory
from tests.twinning.factories import PairingFactory
from worldcities import backups
from worldcities.backups import Server


def table_contents(dbname: str) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with Server.from_settings().connect(dbname) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: [
                r[0]
                for r in conn.execute(
                    sql.SQL("SELECT t::text FROM {} AS t ORDER BY 1").format(sql.Identifier(table))
                )
            ]
            for table in tables
        }


def databases_named(prefix: str) -> list[str]:
    with Server.from_settings().connect("postgres") as conn:
        return [
            r[0]
            for r in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"]
            )
        ]


@pytest.fixture
def new_database():
    name = f"{settings.DATABASES['default']['NAME'][:30]}_copy_{uuid.uuid4().hex[:8]}"
    yield name
    with Server.from_settings().connect("postgres", autocommit=True) as conn:
        for found in databases_named(name):
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(found))
            )


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def some_data():
    attachment = AttachmentFactory()
    CommentFactory(practice=attachment.practice)
    PairingFactory()
    RegistrationFactory(meeting=MeetingFactory())
    return attachment


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_new_database_gives_the_same_rows_and_files(
    some_data, new_database, tmp_path
):
    folder = backups.Path(run("backup", "--output", str(tmp_path / "backups")))

    assert sorted(p.name for p in folder.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["tables"]["practices_attachment"] == 1
    assert manifest["release"]
    assert manifest["created_at"]
    assert list(manifest["media"]) == [some_data.file.name]
    assert not [p for p in (tmp_path / "backups").iterdir() if p.name.startswith(".")]

    restored_media = tmp_path / "restored-media"
    out = run(
        "restore", str(folder), "--database", new_database, "--media-root", str(restored_media)
    )
    assert new_database in out

    assert table_contents(new_database) == table_contents(settings.DATABASES["default"]["NAME"])
    original = backups.Path(settings.MEDIA_ROOT)
    restored_files = sorted(p.relative_to(restored_media) for p in restored_media.rglob("*"))
    assert restored_files == sorted(p.relative_to(original) for p in original.rglob("*"))
    assert (restored_media / some_data.file.name).read_bytes() == b"%PDF-1.4 a tiny report"
    # Only the restored database is left: no staging copy.
    assert databases_named(new_database) == [new_database]

    # Restoring again over it is refused, unless asked for.
    with pytest.raises(CommandError, match="holds tables"):
        run("restore", str(folder), "--database", new_database, "--media-root", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()
    run(
        "restore",
        str(folder),
        "--database",
        new_database,
        "--media-root",
        str(restored_media),
        "--force",
    )
    assert (
        table_contents(new_database)["practices_attachment"]
        == table_contents(settings.DATABASES["default"]["NAME"])["practices_attachment"]
    )
    assert databases_named(new_database) == [new_database]


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_and_nothing_is_restored(some_data, new_database, tmp_path):
    folder = backups.Path(run("backup", "--output", str(tmp_path)))
    dump = folder / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with pytest.raises(CommandError, match=r"database\.dump does not match its checksum"):
        run("restore", str(folder), "--database", new_database, "--media-root", str(tmp_path / "m"))
    assert databases_named(new_database) == []
    assert not (tmp_path / "m").exists()


@pytest.mark.django_db(transaction=True)
def test_a_dump_that_matches_its_checksum_but_cannot_be_read_leaves_nothing(new_database, tmp_path):
    folder = backups.Path(run("backup", "--output", str(tmp_path)))
    (folder / "database.dump").write_bytes(b"PGDMP not really a dump")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["database.dump"] = backups.sha256_of(folder / "database.dump")
    (folder / "manifest.json").write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="Reading the dump failed"):
        run("restore", str(folder), "--database", new_database, "--media-root", str(tmp_path / "m"))
    assert databases_named(new_database) == []
    assert not (tmp_path / "m").exists()


@pytest.mark.django_db(transaction=True)
def test_uploads_that_differ_from_the_manifest_leave_nothing(some_data, new_database, tmp_path):
    folder = backups.Path(run("backup", "--output", str(tmp_path)))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["media"][some_data.file.name] = "0" * 64
    (folder / "manifest.json").write_text(json.dumps(manifest))

    target = tmp_path / "restored" / "media"
    with pytest.raises(CommandError, match="uploaded files do not match"):
        run("restore", str(folder), "--database", new_database, "--media-root", str(target))
    assert databases_named(new_database) == []
    assert list((tmp_path / "restored").iterdir()) == []


@pytest.mark.django_db
def test_a_missing_backup_or_manifest_is_refused(tmp_path):
    with pytest.raises(CommandError, match="No backup at"):
        run("restore", str(tmp_path / "nowhere"), "--database", "x", "--media-root", "m")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match=r"holds no manifest\.json"):
        run("restore", str(tmp_path / "empty"), "--database", "x", "--media-root", "m")
    (tmp_path / "empty" / "manifest.json").write_text("{not json")
    with pytest.raises(CommandError, match="is damaged"):
        run("restore", str(tmp_path / "empty"), "--database", "x", "--media-root", "m")


@pytest.mark.django_db(transaction=True)
def test_a_media_folder_with_files_is_refused_without_force(new_database, tmp_path):
    folder = backups.Path(run("backup", "--output", str(tmp_path / "b")))
    media = tmp_path / "media-in-use"
    media.mkdir()
    (media / "kept.txt").write_text("still here")

    with pytest.raises(CommandError, match="is not empty"):
        run("restore", str(folder), "--database", new_database, "--media-root", str(media))
    assert databases_named(new_database) == []
    assert [p.name for p in media.iterdir()] == ["kept.txt"]


@pytest.mark.django_db
def test_the_client_programs_are_those_of_the_servers_version(settings, tmp_path):
    major = Server.from_settings().major_version()
    assert backups._major_of(backups.client_program("pg_dump", major)) == major
    settings.POSTGRES_BIN_DIR = str(tmp_path)
    with pytest.raises(backups.BackupError, match="No pg_restore of PostgreSQL 99"):
        backups.client_program("pg_restore", 99)
