"""The production storage of static files."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's compressed, hashed files, whose addresses are worked out once per process
    and file: the manifest is read when the process starts and does not change while it runs,
    and every page someone logged in reads asks for the layout's dozen addresses again
    (``{% static %}``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._addresses: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        if (address := self._addresses.get(name)) is None:
            address = self._addresses[name] = super().url(name)
        return address
