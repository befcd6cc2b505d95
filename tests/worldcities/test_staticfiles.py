import pytest

from worldcities.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    storage = StaticFilesStorage(location=tmp_path, base_url="/static/")
    storage.hashed_files = {"css/site.css": "css/site.0123abcd.css"}
    return storage


def test_a_file_is_served_under_its_hashed_name(storage):
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"


def test_an_address_is_worked_out_once_per_process(storage):
    storage.url("css/site.css")
    storage.hashed_files = {}  # no manifest entry left: looking again would fail

    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("css/other.css")
