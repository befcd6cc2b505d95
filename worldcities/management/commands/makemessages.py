"""``makemessages`` with the project's defaults, so that every run writes the same catalogues:
the tests, the vendored and collected static files and local data are never scanned, and each
entry names its files without line numbers (a line moved elsewhere does not touch the catalogue)."""

from django.core.management.commands import makemessages

IGNORED = [
    "tests/*",
    "static/vendor/*",
    "staticfiles/*",
    "var/*",
    "docs/*",
    "node_modules/*",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        if not options.get("add_location"):
            options["add_location"] = "file"
        options["no_obsolete"] = True
        return super().handle(*args, **options)
