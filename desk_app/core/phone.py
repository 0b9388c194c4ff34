"""Phone numbers as callers give them: local forms, country codes, and which policy a caller is for.

A number is typed the way the caller says it: "0813 1234 5678" in Jakarta,
"98765 43210" in Bangalore, "+62 813-1234-5678" from a form. The store keeps
what it was given (digits, with "+" when there was one), so one customer may
be "+6281312345678" and another "081312345678". A local form means something
only in a country: a policy serves customers of one (`Policy.country`:
Shopee Indonesia, the Indian shops India), and its numbers are read there
with Google's libphonenumber (the `phonenumbers` package: numbering plans
change, and it is maintained with them).

The client's cache search and the store's customer search both use
`number_forms`; the call dialog's default policy is `policy_for_caller`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

__all__ = ["calling_codes", "caller_calling_code", "national_number", "number_forms", "policy_for_caller"]

#: Fewer digits than this is not a phone number worth reading (a ticket number, a year).
MIN_DIGITS = 5


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _international(text: str) -> bool:
    # "00 62 ..." is dialled from a country (its international prefix): read in one like the rest.
    return text.strip().startswith("+")


def _parse(text: str, country: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(text, country)
    except NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def number_forms(text: str, countries: Iterable[str | None] = ()) -> tuple[str, ...]:
    """The ways a store may hold the number typed as `text`, most likely first.

    For each country the number is possible in: its E.164 form
    ("+6281312345678"), the same digits without the "+", and the national
    form with the trunk prefix ("081312345678"): so "0813..." finds
    "+62813...", and "+62813..." finds a customer saved as "0813...". A
    number typed with its country code is read as such, whatever the
    countries. The typed digits come first. Empty when `text` has fewer than
    `MIN_DIGITS` digits.
    """
    digits = _digits(text)
    if len(digits) < MIN_DIGITS:
        return ()
    forms = [("+" + digits) if text.strip().startswith("+") else digits]
    regions = [None] if _international(text) else list(dict.fromkeys(c for c in countries if c))
    for region in regions:
        number = _parse(text, region)
        if number is None:
            continue
        e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        national = _digits(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
        forms.extend((e164, e164[1:], national))
    return tuple(dict.fromkeys(f for f in forms if f))


def national_number(text: str, countries: Iterable[str | None] = ()) -> str | None:
    """The number without country code and trunk prefix ("81312345678"), as read in the first
    of `countries` it is possible in (None when it is in none)."""
    regions = [None] if _international(text) else [c for c in countries if c]
    for region in regions:
        number = _parse(text, region)
        if number is not None:
            return phonenumbers.national_significant_number(number)
    return None


def calling_codes(policy: Any) -> frozenset[int]:
    """The country calling codes of a policy's phone lines (62 for Shopee's "021-39500300").

    A line written without its country code is the policy's country's; a
    policy that lists no numbers answers calls in its country.
    """
    country = getattr(policy, "country", None)
    channel = policy.channels.get("phone")
    codes = set()
    for contact in getattr(channel, "contacts", ()) or ():
        number = _parse(contact, None if _international(contact) else country)
        if number is not None:
            codes.add(number.country_code)
    if not codes and country:
        code = phonenumbers.country_code_for_region(country)
        if code:
            codes.add(code)
    return frozenset(codes)


def caller_calling_code(number: str, countries: Iterable[str | None] = ()) -> int | None:
    """The country calling code of a caller's number: its own when dialled with one ("+62..."),
    else that of the first of `countries` where it is a valid number ("0813..." in Indonesia)."""
    if _international(number):
        parsed = _parse(number, None)
        return parsed.country_code if parsed is not None else None
    for country in countries:
        if not country:
            continue
        parsed = _parse(number, country)
        if parsed is not None and phonenumbers.is_valid_number(parsed):
            return parsed.country_code
    return None


def policy_for_caller(number: str, policies: Sequence[Any]) -> str | None:
    """The key of the first of `policies` with a phone line in the caller's country (None: no
    telling from the number, or no line there). A policy is anything with `key`, `country` and
    `channels` (a core `Policy`)."""
    code = caller_calling_code(number, [getattr(p, "country", None) for p in policies])
    if code is None:
        return None
    return next((p.key for p in policies if code in calling_codes(p)), None)
