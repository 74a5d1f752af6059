"""Languages (app/i18n.py, README "Adding a language"): the catalogues are
complete and their committed .mo files are what `pybabel compile` makes of
them; a person's language is preferences.locale, else their registration's
Accept-Language, else English; emails and pages speak it."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import i18n
from tests.auth_client import emailed_messages, fresh_ip, register
from tests.conftest import ROOT
from tests.outbox_steps import run_worker
from tests.page_steps import make_link, open_page, submit, text_of
from tests.recovery_steps import forgot

CATALOGUES = sorted(i18n.TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"))


def _ids(catalog) -> set:
    return {m.id for m in catalog if m.id}


def test_english_and_german_are_supported():
    assert i18n.supported_locales()[0] == "en"
    assert "de" in i18n.supported_locales()
    assert [p.parent.parent.name for p in CATALOGUES] == [p for p in i18n.supported_locales() if p != "en"]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_committed_mo_is_the_compiled_po(po):
    """The .mo files are committed (every entry point works from a checkout with no
    build step); this keeps them what `make translations` / `pybabel compile` makes."""
    with po.open("rb") as f:
        catalog = read_po(f)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), f"run `make translations` ({po})"


def test_template_holds_every_sentence_of_the_pages_and_emails(tmp_path):
    """A sentence added to a page or an email without `make translations` fails here."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_",
            "-k",
            "N_",
            "--no-location",
            "--omit-header",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as f:
        extracted = _ids(read_po(f))
    with (i18n.TRANSLATIONS_DIR / "messages.pot").open("rb") as f:
        committed = _ids(read_po(f))
    assert extracted == committed, f"run `make translations`: new {extracted - committed}, gone {committed - extracted}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_sentence_is_translated(po):
    with (i18n.TRANSLATIONS_DIR / "messages.pot").open("rb") as f:
        wanted = _ids(read_po(f))
    with po.open("rb") as f:
        catalog = read_po(f)
    untranslated = [m.id for m in catalog if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert not untranslated
    assert wanted <= _ids(catalog)


# ------------------------------------------------------ choosing a language


@pytest.mark.parametrize(
    ("preferences", "expected"),
    [
        (("de",), "de"),
        (("de-AT",), "de"),
        (("de_DE",), "de"),
        (("fr", "de-CH,en;q=0.5"), "de"),
        (("fr-FR,en-GB;q=0.8",), "en"),
        (("fr",), None),
        ((None, ""), None),
        (("*",), None),
        (("x" * 5000,), None),
    ],
)
def test_negotiate_picks_the_first_supported_language(preferences, expected):
    assert i18n.negotiate(*preferences) == expected


@pytest.mark.parametrize(
    ("header", "kept"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", "de-DE,de,en"),
        ("en-US", "en-US"),
        ("*", None),
        ("", None),
        (None, None),
        ("fr;q=0, de", "de"),
        ("de;q=0.5, fr;q=0.9", "fr,de"),
        ("<script>, de", "de"),
        (",".join(f"l{i:02d}-AAAAAAAA" for i in range(40)), ",".join(f"l{i:02d}-AAAAAAAA" for i in range(7))),
    ],
)
def test_registration_keeps_the_language_tags_only(header, kept):
    normalized = i18n.normalize_accept_language(header)
    assert normalized == kept
    assert normalized is None or len(normalized) <= i18n.ACCEPT_LANGUAGE_MAX


def test_a_persons_language_is_preferences_then_registration_then_english():
    class Profile:
        def __init__(self, preferences):
            self.preferences = preferences

    class Person:
        def __init__(self, accept_language=None, preferences=None):
            self.accept_language = accept_language
            self.profile = Profile(preferences) if preferences is not None else None

    assert i18n.locale_for_user(Person("de-DE,de")) == "de"
    assert i18n.locale_for_user(Person("de-DE,de", {"locale": "en"})) == "en"
    assert i18n.locale_for_user(Person("en", {"locale": "de"})) == "de"
    assert i18n.locale_for_user(Person("de", {"locale": "fr"})) == "de"  # unsupported preference: next source
    assert i18n.locale_for_user(Person(None, {"locale": 42})) == "en"
    assert i18n.locale_for_user(Person(None, ["not", "a", "dict"])) == "en"
    assert i18n.locale_for_user(Person()) == "en"


# ----------------------------------------------------------------- emails


def test_german_emails_are_german_in_both_parts():
    from app.email.rendering import render

    context = {"full_name": "Ada", "link": "https://app.example/reset-password?token=t0k", "expires_in_hours": 1}
    rendered = render("reset_password", context, locale="de")
    assert rendered.subject == "Setzen Sie Ihr Passwort zurück"
    assert "Hallo Ada," in rendered.text and "läuft in 1 Stunde ab" in rendered.text
    assert '<html lang="de">' in rendered.html and "Neues Passwort wählen" in rendered.html
    assert "Stunden" in render("verify_email", {**context, "expires_in_hours": 48}, locale="de").text
    assert "1,5 Stunden" in render("verify_email", {**context, "expires_in_hours": 1.5}, locale="de").text
    english = render("reset_password", context)
    assert english.subject == "Reset your password" and '<html lang="en">' in english.html
    assert render("reset_password", context, locale="xx").subject == "Reset your password"


def test_german_email_escapes_names_and_keeps_markup():
    from app.email.rendering import render

    rendered = render(
        "change_email_confirm",
        {
            "full_name": "<b>Ada</b>",
            "new_email": "neu@example.com",
            "link": "https://x/confirm-email-change?token=t",
            "expires_in_hours": 48,
        },
        locale="de",
    )
    assert "&lt;b&gt;Ada&lt;/b&gt;" in rendered.html and "<strong>neu@example.com</strong>" in rendered.html
    assert "Sie haben verlangt, die E-Mail-Adresse Ihres Gatehouse-Kontos in neu@example.com zu ändern." in rendered.text


def test_registration_in_german_stores_the_header_and_mails_in_german(app, client):
    email = "deutsch@example.com"
    response = client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": "SecurePass123", "full_name": "Grete Müller", "terms_accepted": True},
        headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"},
        environ_base={"REMOTE_ADDR": fresh_ip()},
    )
    assert response.status_code == 201
    from app.extensions import db
    from app.models import User

    with app.app_context():
        assert db.session.scalars(db.select(User.accept_language).where(User.email == email)).one() == "de-DE,de,en"
    [message] = emailed_messages(app, to=email, template="verify_email")
    assert message["locale"] == "de"


def test_registration_without_accept_language_mails_in_english(app, client):
    assert register(client, email="plain@example.com").status_code == 201
    [message] = emailed_messages(app, to="plain@example.com", template="verify_email")
    assert message.get("locale", "en") == "en"


def test_a_german_preference_is_delivered_in_german_over_smtp(smtp_app, client, make_user):
    from app.extensions import db
    from app.models import UserProfile

    user = make_user(accept_language="en-GB")
    with smtp_app.app_context():
        db.session.add(UserProfile(user_id=user.id, preferences={"locale": "de"}))
        db.session.commit()
    assert forgot(client, user.email).status_code == 202
    run_worker(smtp_app)
    [mail] = smtp_app.smtp.mailbox.wait_for(1)
    assert mail["Subject"] == "Setzen Sie Ihr Passwort zurück"
    assert "Hallo Test User," in mail.get_body(("plain",)).get_content()
    assert '<html lang="de">' in mail.get_body(("html",)).get_content()


# ------------------------------------------------------------------ pages


def test_pages_speak_the_language_of_the_account(app, client, make_user):
    user = make_user(accept_language="de-AT,de;q=0.8")
    token = make_link(app, user, "reset_password")
    page = open_page(client, f"/reset-password?token={token}", headers={"Accept-Language": "en"})
    html = page.get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Neues Passwort wählen" in text_of(page) and '<label for="password">Neues Passwort</label>' in html
    response = submit(
        client, "/reset-password", {"token": token, "password": "keinegrossbuchstaben1", "password_confirm": "anders"}, page=page
    )
    text = text_of(response)
    assert response.status_code == 400
    assert "Das Passwort muss mindestens einen Großbuchstaben enthalten." in text
    assert "Die beiden Passwörter stimmen nicht überein." in text
    done = submit(
        client, "/reset-password", {"token": token, "password": "NeuesPasswort9", "password_confirm": "NeuesPasswort9"}, page=page
    )
    assert done.status_code == 200 and "Ihr Passwort wurde geändert." in text_of(done)


@pytest.mark.parametrize("state", ["valid", "used", "expired"])
def test_verify_page_in_german_for_each_state(app, client, make_user, state):
    user = make_user(is_verified=False, accept_language="de")
    token = make_link(app, user, "verify_email", used=state == "used", expired=state == "expired")
    page = open_page(client, f"/verify-email?token={token}")
    text = text_of(page)
    expected = {
        "valid": "Meine E-Mail-Adresse bestätigen",
        "used": "Dieser Link wurde bereits verwendet",
        "expired": "Dieser Link ist abgelaufen.",
    }[state]
    assert expected in text
    if state == "valid":
        confirmed = submit(client, "/verify-email", {"token": token}, page=page)
        assert "Danke: Ihre E-Mail-Adresse ist bestätigt." in text_of(confirmed)


def test_an_unknown_link_speaks_the_browsers_language(client):
    page = open_page(client, "/verify-email?token=nope", headers={"Accept-Language": "de-CH, en;q=0.5"})
    assert '<html lang="de">' in page.get_data(as_text=True) and "Link ungültig" in text_of(page)
    assert "Vary" in page.headers and "Accept-Language" in page.headers["Vary"]
    english = open_page(client, "/verify-email?token=nope", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.get_data(as_text=True) and "Link not valid" in text_of(english)


EVERY_VALUE = {
    "full_name": "Ada",
    "link": "https://app.example/x?token=t",
    "expires_in_hours": 1,
    "new_email": "n@example.com",
    "device": "Firefox on Linux",
    "ip": "192.0.2.1",
    "at": "2026-12-03 10:00 UTC",
    "name": "Laptop",
    "remaining": 2,
    "provider": "google",
    "provider_email": "ada@gmail.example",
}


def _email_templates():
    from app.email.rendering import template_names

    return template_names()


@pytest.mark.parametrize("name", _email_templates())
def test_every_email_is_translated_to_german(name):
    """Each email's subject and sentences come from the catalogue (a new template
    left in English fails here: mark its sentences and run `make translations`)."""
    from app.email.rendering import render

    english, german = render(name, EVERY_VALUE), render(name, EVERY_VALUE, locale="de")
    assert german.subject != english.subject
    assert german.text.startswith("Hallo Ada,") and '<html lang="de">' in german.html
    english_lines = {line for line in english.text.splitlines() if len(line) > 40}
    assert not english_lines & set(german.text.splitlines()), "sentences left in English"
