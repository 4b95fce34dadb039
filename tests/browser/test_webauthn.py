"""A security key as the second factor (WebAuthn), with Chromium's virtual authenticator.

The key is made on the account's two-factor page and then asked for at the next login: the
password alone does not log in, the key does. The pages run under the strict CSP, so this
also proves allauth's WebAuthn scripts need no inline script.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]

PASSWORD = "correct horse battery"


def virtual_key(page) -> None:
    # A USB security key that verifies its user (a PIN or a touch), as the DevTools
    # WebAuthn panel makes one; it answers navigator.credentials.create() and get().
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def log_in_with_password(page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_an_editor_adds_a_security_key_and_the_next_login_asks_for_it(
    chromium, live_server, editor, settings
):
    from allauth.mfa.models import Authenticator

    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # live_server is plain http
    # A WebAuthn relying party is a domain name, never an address: localhost, not 127.0.0.1.
    base = live_server.url.replace("127.0.0.1", "localhost")
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    virtual_key(page)
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(page.url + " " + m.text[:60]))

    log_in_with_password(page, base, editor.email)
    page.goto(f"{base}/accounts/2fa/")
    page.locator("a[href='/accounts/2fa/webauthn/add/']").first.click()
    # Adding a factor asks for the password again, however recent the login (allauth).
    page.wait_for_url(lambda url: "/accounts/reauthenticate/" in url)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: url.endswith("/accounts/2fa/webauthn/add/"))
    page.locator("input[name=name]").fill("Desk key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    key = Authenticator.objects.get(user=editor, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().name == "Desk key"
    # The first factor added also makes recovery codes, as it does for an authenticator app.
    assert Authenticator.objects.filter(
        user=editor, type=Authenticator.Type.RECOVERY_CODES
    ).exists()

    page.goto(f"{base}/accounts/logout/")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/logout/" not in url)

    # The password alone stops at the second-factor stage: the account page is not reached.
    log_in_with_password(page, base, editor.email)
    assert "/accounts/2fa/authenticate/" in page.url
    page.goto(f"{base}/accounts/")
    assert page.url != f"{base}/accounts/"  # sent back to a login stage
    assert editor.email not in page.content()

    page.goto(f"{base}/accounts/2fa/authenticate/")  # the stage waits for the second factor
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
    page.goto(f"{base}/accounts/")
    assert "/accounts/login/" not in page.url
    assert editor.email in page.content()
    key.refresh_from_db()
    assert key.last_used_at is not None
    assert errors == []
    context.close()
