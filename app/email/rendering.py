"""Email templates: `<name>.txt` (which also sets `subject`) and `<name>.html`
in app/email/templates, rendered with Jinja2 in the recipient's language.

Sentences are marked `_("…")` and translated from the catalogues the pages
use (app/i18n.py, app/translations); a message is rendered in the `locale`
its outbox row carries (chosen when it was queued), English otherwise.

The HTML part is autoescaped (names are user input); a missing context value
or an unknown template is a `PermanentFailure`, so that a bad message goes to
the dead-letter queue instead of being retried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateNotFound, select_autoescape

from app import i18n
from app.email.failures import PermanentFailure

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Plain names only: no paths, and "_layout"-style partials cannot be sent.
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _hours(translations, locale: str, value) -> str:
    number = float(value)
    shown = int(number) if number.is_integer() else number
    plural = translations.ngettext("%(num)s hour", "%(num)s hours", shown if isinstance(shown, int) else 2)
    return plural % {"num": format_decimal(shown, locale=locale)}


@cache
def _environment(locale: str) -> Environment:
    """The template environment speaking `locale` (one per language, built once)."""
    # .html templates are autoescaped (names are user input); .txt ones are not
    # HTML, where escaping would print "&amp;" in links.
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = i18n.translations(locale)
    env.install_gettext_translations(translations, newstyle=True)
    env.filters["hours"] = partial(_hours, translations, locale)
    return env


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def template_names() -> list[str]:
    """The templates that can be sent (each has a .txt and an .html part)."""
    return sorted(p.stem for p in TEMPLATE_DIR.glob("*.txt") if _NAME_RE.match(p.stem) and p.with_suffix(".html").exists())


def render(name: str, context: dict, locale: str | None = None) -> Rendered:
    """Subject, text part and HTML part of template `name` with `context`, in
    `locale` (English when it is None or not a language we have)."""
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise PermanentFailure(f"unknown template {name!r}")
    locale = locale if locale in i18n.supported_locales() else i18n.DEFAULT_LOCALE
    env = _environment(locale)
    context = {**context, "lang": locale}
    try:
        text_module = env.get_template(f"{name}.txt").make_module(context)
        html = env.get_template(f"{name}.html").render(context)
    except TemplateNotFound:
        raise PermanentFailure(f"unknown template {name!r}") from None
    except TemplateError as exc:
        # e.g. a context value the template needs is missing; the message names the variable only.
        raise PermanentFailure(f"template {name!r} cannot be rendered: {exc.message}") from None
    subject = str(getattr(text_module, "subject", "")).strip()
    if not subject or "\n" in subject or "\r" in subject:
        raise PermanentFailure(f"template {name!r} sets no single-line subject")
    return Rendered(subject=subject, text=str(text_module).strip() + "\n", html=html)


def preload() -> None:
    """Compile every template now: work horses are forked per job, and each
    would otherwise parse the templates again."""
    for locale in i18n.supported_locales():
        for path in TEMPLATE_DIR.iterdir():
            if path.suffix in (".txt", ".html"):
                _environment(locale).get_template(path.name)
