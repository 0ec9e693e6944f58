"""Every browser test also checks the Content-Security-Policy: a page that breaks it fails the test.

Each page a test opens (through Browser.new_page or BrowserContext.new_page) reports the browser's
`securitypolicyviolation` events and console errors about the policy; the test fails at teardown when
there was any, naming the directive and what was blocked.
"""

from __future__ import annotations

import pytest

WATCH = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.documentURI));"""


def _csp_message(text: str) -> bool:
    return "CSP violation" in text or "Content Security Policy" in text


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch):
    from playwright.sync_api import Browser, BrowserContext

    found: list[str] = []

    def watched(new_page):
        def open_page(self, *args, **kwargs):
            page = new_page(self, *args, **kwargs)
            page.add_init_script(WATCH)
            page.on("console", lambda message: found.append(message.text) if _csp_message(message.text) else None)
            return page

        return open_page

    monkeypatch.setattr(Browser, "new_page", watched(Browser.new_page))
    monkeypatch.setattr(BrowserContext, "new_page", watched(BrowserContext.new_page))
    yield found
    assert found == [], "Content-Security-Policy violations:\n" + "\n".join(found)
