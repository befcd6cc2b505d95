"""Validates a compose file against the Compose specification's JSON schema.

No Docker engine runs in CI, so the file is checked as data against the Compose
specification's schema, which the dclint package of the npm registry ships (pinned below; npm
checks the package's integrity). The schema is cached under var/ci/."""

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml
from jsonschema import Draft7Validator

PACKAGE = "dclint@3.1.0"
MEMBER = "package/schemas/compose.schema.json"
CACHE = Path(__file__).resolve().parent.parent / "var" / "ci" / "compose-spec.json"


def schema() -> dict:
    if not CACHE.is_file():
        with tempfile.TemporaryDirectory() as folder:
            name = (
                subprocess.run(
                    ["npm", "pack", PACKAGE, "--silent"],
                    cwd=folder,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            with tarfile.open(Path(folder) / name) as archive:
                data = archive.extractfile(MEMBER).read()
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        CACHE.write_bytes(data)
    return json.loads(CACHE.read_text())


def main(path: str) -> int:
    document = yaml.safe_load(Path(path).read_text())
    validator = Draft7Validator(schema())  # the schema is written for draft 7
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    for error in errors:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        print(f"{path}: {where}: {error.message}")
    if errors:
        return 1
    services = ", ".join(document.get("services", {}))
    print(f"{path} is valid against the Compose specification (services: {services}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docker-compose.yml"))
