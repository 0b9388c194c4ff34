"""What a file is, from its first bytes: the only thing intake trusts.

The name a sender gave ("scan.png") and the type it declared (image/png) are
ignored; `detect(head)` looks at the leading bytes. `describe_refused(head)`
names what a refused file seems to be, for the error message.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Bytes needed to recognise every kind below.
HEAD_SIZE = 32

#: Attachment kind (core.policy.ATTACHMENT_TYPES keys) -> media type served on download.
MEDIA_TYPES = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "gif": "image/gif",
    "webp": "image/webp",
}
LABELS = {"jpeg": "JPEG", "png": "PNG", "pdf": "PDF", "gif": "GIF", "webp": "WebP"}
#: The kinds intake accepts when the policy states no rules.
DEFAULT_KINDS = ("jpeg", "png", "pdf")


def detect(head: bytes) -> str | None:
    """The attachment kind of content starting with `head`, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    # PNG: the signature, then the IHDR chunk that must come first.
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return "png"
    if head.startswith(b"%PDF-") and head[5:6].isdigit():
        return "pdf"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    return None


_KNOWN_OTHERS = (
    (b"\x7fELF", "an executable program (ELF)"),
    (b"MZ", "a Windows executable (PE/MZ)"),
    (b"\xcf\xfa\xed\xfe", "an executable program (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "an executable program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "an executable program or Java class"),
    (b"#!", "a script"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"<", "HTML or XML text"),
)


def describe_refused(head: bytes) -> str:
    for magic, label in _KNOWN_OTHERS:
        if head.startswith(magic):
            return label
    kind = detect(head)
    if kind is not None:
        return f"a {LABELS[kind]} file"
    return "not a file type we recognise"


def kinds_label(kinds: Iterable[str]) -> str:
    names = [LABELS.get(k, k) for k in sorted(kinds)]
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else (names[0] if names else "nothing")
