"""Mail templates per policy and language (resources/notifications/, see its README).

`TemplateSet.load()` reads and checks every file once; `render()` fills one
template. A policy file may cover only the triggers its policy promises; the
rest falls back to `default.LANG.toml`, then to `default.en.toml`.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Everything the store can tell a customer about (policy `[notifications].triggers`).
TRIGGERS = frozenset(
    {
        "received",
        "assigned",
        "info_requested",
        "progress",
        "resolved",
        "closed",
        "delayed",
        "escalated",
        "evidence_lapsed",
    }
)
PLACEHOLDERS = frozenset(
    {
        "customer_name",
        "ticket_number",
        "subject",
        "policy_name",
        "order_id",
        "agent_name",
        "reply",
        "survey_url",
        "notice",
        "tier_name",
        "party",
    }
)
DEFAULT_LANGUAGE = "en"


class TemplateError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Template:
    subject: str
    body: str


@dataclass(frozen=True, slots=True)
class RenderedMail:
    subject: str
    body: str
    language: str


def shipped_templates_dir() -> Path:
    """resources/notifications beside the desk_app package (as the policies are)."""
    return Path(__file__).resolve().parents[3] / "resources" / "notifications"


def _check_format(text: str, where: str) -> None:
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise TemplateError(f"{where}: {exc} (write a literal brace as {{{{ or }}}})") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            raise TemplateError(f"{where}: unknown placeholder {{{name}}} (known: {', '.join(sorted(PLACEHOLDERS))})")


def _read_file(path: Path) -> tuple[dict[str, Template], dict[str, str]]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"{path}: {exc}") from None
    templates: dict[str, Template] = {}
    parties: dict[str, str] = {}
    for key, value in raw.items():
        if key == "party_names":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise TemplateError(f"{path}: party_names must be a table of strings")
            parties = dict(value)
            continue
        if key not in TRIGGERS:
            raise TemplateError(f"{path}: {key}: unknown trigger (known: {', '.join(sorted(TRIGGERS))})")
        if not isinstance(value, dict) or set(value) != {"subject", "body"}:
            raise TemplateError(f"{path}: {key}: needs exactly 'subject' and 'body'")
        subject, body = value["subject"], value["body"]
        if not isinstance(subject, str) or not isinstance(body, str) or not subject.strip() or not body.strip():
            raise TemplateError(f"{path}: {key}: subject and body must be non-empty text")
        if "\n" in subject or "\r" in subject:
            raise TemplateError(f"{path}: {key}.subject: must be one line")
        _check_format(subject, f"{path}: {key}.subject")
        _check_format(body, f"{path}: {key}.body")
        templates[key] = Template(subject, body)
    return templates, parties


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "-"


def _one_line(text: str) -> str:
    return " ".join(text.split())


class TemplateSet:
    def __init__(self, files: Mapping[tuple[str, str], dict[str, Template]], parties: Mapping[str, dict[str, str]]):
        #: (policy key or "default", language) -> trigger -> template
        self._files = dict(files)
        self._parties = dict(parties)

    @classmethod
    def load(cls, directory: Path | None = None) -> TemplateSet:
        directory = directory or shipped_templates_dir()
        files: dict[tuple[str, str], dict[str, Template]] = {}
        parties: dict[str, dict[str, str]] = {}
        for path in sorted(directory.glob("*.toml")):
            stem = path.name[: -len(".toml")]
            owner, dot, language = stem.rpartition(".")
            if not dot or not owner or not language.isalpha():
                raise TemplateError(f"{path}: name the file POLICY.LANG.toml (e.g. shopee.id.toml)")
            templates, names = _read_file(path)
            files[(owner, language)] = templates
            if names:
                parties.setdefault(language, {}).update(names)
        if not files.get(("default", DEFAULT_LANGUAGE)) or set(files[("default", DEFAULT_LANGUAGE)]) != TRIGGERS:
            raise TemplateError(f"{directory}: default.{DEFAULT_LANGUAGE}.toml must cover every trigger")
        return cls(files, parties)

    def find(self, policy_key: str, language: str, trigger: str) -> tuple[Template, str]:
        """The template to use and the language it is written in."""
        for owner, lang in ((policy_key, language), ("default", language), ("default", DEFAULT_LANGUAGE)):
            template = self._files.get((owner, lang), {}).get(trigger)
            if template is not None:
                return template, lang
        raise TemplateError(f"no template for trigger {trigger!r}")

    def has_own(self, policy_key: str, language: str, trigger: str) -> bool:
        return trigger in self._files.get((policy_key, language), {})

    def party_name(self, language: str, party: str) -> str:
        """How `party` (buyer/seller) is written in `language` (`[party_names]`), else the key itself."""
        return self._parties.get(language, {}).get(party, party)

    def render(self, policy_key: str, language: str, trigger: str, values: Mapping[str, Any]) -> RenderedMail:
        template, lang = self.find(policy_key, language, trigger)
        filled = _Values({k: ("-" if v is None or v == "" else str(v)) for k, v in values.items()})
        party = filled.get("party")
        if party is not None:
            filled["party"] = self._parties.get(lang, {}).get(party, party)
        # Customer-supplied text (a subject) must never break the header line.
        subject_values = _Values({k: _one_line(v) for k, v in filled.items()})
        subject = _one_line(template.subject.format_map(subject_values))[:300]
        return RenderedMail(subject=subject, body=template.body.format_map(filled), language=lang)
