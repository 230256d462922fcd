"""Without a browser the suite skips on a learner's machine and fails in CI."""
import pytest

from tests.browser.jupyterlab import require_browser

MISSING = "/nonexistent/chromium"


@pytest.mark.parametrize("ci", ["", "false", "0"])
def test_missing_browser_skips_outside_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.skip.Exception, match=f"no Chromium at {MISSING}"):
        require_browser(MISSING)


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_missing_browser_fails_in_ci(monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(pytest.fail.Exception, match="browser tests must run in CI: no Chromium"):
        require_browser(MISSING)
