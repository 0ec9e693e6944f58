"""The API docs page in Chromium under the strict CSP: Swagger UI from our static files renders the schema
and runs a call with a token (Authorize, Try it out)."""

from __future__ import annotations

from tests.browser.test_e2e import browser  # noqa: F401  (fixture)
from tests.browser.test_e2e import pytestmark  # noqa: F401


def test_the_docs_page_renders_the_schema_and_calls_the_api(browser, live_server, transactional_db, regions):
    from tepat.accounts.actions import do_create_user
    from tepat.api.actions import do_create_token

    user = do_create_user("analis", role="analyst", region_code=None, opd_code=None, acting_user=None)[0]
    token = do_create_token(user, "docs", acting_user=None).text
    page = browser.new_page()
    response = page.goto(f"{live_server.url}/api/v1/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("text=Tepat API")
    assert page.locator(".opblock").count() >= 20  # every operation of the schema
    page.click("button.authorize")
    page.fill(".auth-container input", token)
    page.click(".auth-btn-wrapper button.authorize")
    page.click(".btn-done")
    page.click("#operations-programs-tepat_api_programs_target_lists .opblock-summary")
    page.click("button.try-out__btn")
    page.click("button.execute")
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert '"next_cursor"' in page.locator(".live-responses-table tbody .microlight").first.inner_text()
