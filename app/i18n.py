"""Languages: which one a page or an email speaks, and the message catalogues.

Catalogues live in app/translations/<lang>/LC_MESSAGES/messages.po (with the
compiled .mo beside it, committed; tests/test_i18n.py checks that each .mo is
what `pybabel compile` makes of its .po). One domain serves both the pages
(Flask-Babel, app/pages) and the email templates (app/email/rendering.py,
which loads the same catalogues without Flask). README "Adding a language".

The language of a person: `preferences.locale` of their profile, else the
Accept-Language their registration sent (users.accept_language), else English.
The language of a page nobody is known on yet: the request's Accept-Language.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations, Translations
from flask import g, has_request_context, request
from flask_babel import Babel
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DEFAULT_LOCALE = "en"
DOMAIN = "messages"
# The longest Accept-Language kept at registration (users.accept_language).
ACCEPT_LANGUAGE_MAX = 100

babel = Babel()


@cache
def supported_locales() -> tuple[str, ...]:
    """English (the source language) and every language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (DEFAULT_LOCALE, *(name for name in found if name != DEFAULT_LOCALE))


def negotiate(*preferences: str | None) -> str | None:
    """The first supported language among `preferences` (each a language tag such
    as "de-AT" or an Accept-Language value), matching "de-AT" to "de"; None if none."""
    supported = {tag.lower(): tag for tag in supported_locales()}
    for preference in preferences:
        if not preference or not isinstance(preference, str):
            continue
        # In the order the person gave (werkzeug's best_match would prefer a later exact
        # "en" to an earlier "de-CH"): the tag itself, else its language ("de-CH" -> "de").
        for tag, quality in parse_accept_header(preference[:1000], LanguageAccept):
            tag = tag.replace("_", "-").lower()
            if quality <= 0 or tag == "*":
                continue
            match = supported.get(tag) or supported.get(tag.split("-", 1)[0])
            if match:
                return match
    return None


def normalize_accept_language(header: str | None) -> str | None:
    """What is kept of a registration's Accept-Language: its tags by preference,
    comma-separated, at most ACCEPT_LANGUAGE_MAX characters; None when it names none.

    The tags, not the chosen language, are kept, so that a language added later
    is used for the people who asked for it."""
    if not header:
        return None
    tags, total = [], 0
    for tag, quality in parse_accept_header(header[:1000], LanguageAccept):
        if quality <= 0 or tag == "*" or not _is_tag(tag):
            continue
        if total + len(tag) + 1 > ACCEPT_LANGUAGE_MAX:
            break
        tags.append(tag)
        total += len(tag) + 1
    return ",".join(tags) or None


def _is_tag(tag: str) -> bool:
    return 0 < len(tag) <= 35 and all(part.isalnum() and part.isascii() for part in tag.replace("_", "-").split("-"))


def locale_for_user(user) -> str:
    """The language to write to `user` in (see the module docstring)."""
    profile = getattr(user, "profile", None)
    preferences = getattr(profile, "preferences", None) or {}
    preferred = preferences.get("locale") if isinstance(preferences, dict) else None
    return negotiate(preferred, getattr(user, "accept_language", None)) or DEFAULT_LOCALE


def select_locale() -> str:
    """Flask-Babel's locale selector: the language a page view chose (`use_locale`),
    else the request's Accept-Language, else English."""
    chosen = g.get("page_locale") if has_request_context() else None
    if chosen:
        return chosen
    if has_request_context():
        return negotiate(request.headers.get("Accept-Language")) or DEFAULT_LOCALE
    return DEFAULT_LOCALE


def use_locale(locale: str) -> None:
    """Make the rest of this request speak `locale` (a supported language)."""
    from flask_babel import refresh

    g.page_locale = locale if locale in supported_locales() else DEFAULT_LOCALE
    refresh()


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of `locale` (NullTranslations for English or an unknown one)."""
    if locale == DEFAULT_LOCALE or locale not in supported_locales():
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [locale], DOMAIN)


def language_name(locale: str) -> str:
    """`locale`'s name in itself ("Deutsch"), for a language list."""
    try:
        return Locale.parse(locale).get_display_name(locale) or locale
    except (UnknownLocaleError, ValueError):
        return locale


def init_app(app) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    app.config.setdefault("BABEL_DOMAIN", DOMAIN)
    babel.init_app(app, locale_selector=select_locale)
