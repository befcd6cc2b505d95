# World Cities Exchange: one image for the web process, the Celery worker and beat.

FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /venv
COPY requirements-pip.lock requirements.lock /tmp/
RUN /venv/bin/pip install --require-hashes -r /tmp/requirements-pip.lock \
    && /venv/bin/pip install --require-hashes -r /tmp/requirements.lock

FROM python:3.11-slim-bookworm AS app
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=worldcities.settings.production
# Pango lays out the PDF reports; Noto covers Latin with Vietnamese diacritics (core) and
# Hangul and the other CJK scripts (cjk), DejaVu is the last resort.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-noto-core fonts-noto-cjk fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 worldcities \
    && useradd --system --uid 10001 --gid worldcities --home /app --shell /usr/sbin/nologin worldcities
COPY --from=build /venv /venv
WORKDIR /app
COPY --chown=worldcities:worldcities . /app
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build python manage.py collectstatic --noinput -v 0 \
    && SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build python manage.py compilemessages -v 0 --ignore=staticfiles \
    && mkdir -p /app/var/media /app/var/open-data && chown -R worldcities:worldcities /app/var /app/staticfiles
USER worldcities
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4).status != 200)"
CMD ["gunicorn", "-c", "python:worldcities.gunicorn", "worldcities.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
