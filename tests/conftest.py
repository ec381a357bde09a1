from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    # Never read or write the user's cache from tests.
    monkeypatch.setenv("SOCKETLENS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "socketlens-cache"))


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
