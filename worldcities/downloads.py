"""Serving stored files: always as a download the browser will not render or sniff."""

from django.http import FileResponse, Http404


def file_download(fieldfile, *, filename: str, content_type: str | None = None, public=False):
    """A response that downloads ``fieldfile`` as ``filename``; a missing file is a 404.
    ``public`` files may be cached by browsers and proxies, others never."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=filename)
    if content_type:
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response
