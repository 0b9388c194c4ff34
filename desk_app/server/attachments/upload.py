"""Read a multipart upload as it streams in, refusing bad files as early as possible.

Starlette's form parser spools every part to disk before the route sees any of
it; here the request body is fed to python-multipart chunk by chunk and each
file is judged while it arrives:

* its kind from its first bytes (`sniff.detect`), never its name or declared
  type: an executable named ".png" is refused after 32 bytes;
* its size against the limit: refused the moment it passes it;
* the number of files: refused at the header of the one too many;
* the whole body against a bound derived from the limits (Content-Length is
  checked before reading anything).

Accepted files are held in memory (at most max_files x max_bytes, 22.5 MiB for
the shipped limits) because they go into the blob store as whole values.
Errors are `ApiError`s whose message names the file (its display name) and why.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import Request

from desk_app.core.policy import Policy
from desk_app.server.attachments import sniff
from desk_app.server.attachments.storage import display_filename
from desk_app.server.core.errors import ApiError

try:
    import python_multipart as multipart
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import parse_options_header
except ModuleNotFoundError:  # pragma: no cover - older python-multipart
    import multipart  # type: ignore[no-redef]
    from multipart.exceptions import FormParserError  # type: ignore[no-redef]
    from multipart.multipart import parse_options_header  # type: ignore[no-redef]

#: Bytes allowed for the text fields of one request, all together.
MAX_FIELD_BYTES = 200_000
MAX_FIELDS = 30
#: Parts of one multipart body, of any kind (empty file inputs included): a bound on
#: the parser's work, checked as each part begins (200,000 empty parts cost seconds).
MAX_PARTS = 100
#: The shipped default: 4.5 MiB, as Shopee's form states it (see resources/policies/shopee.toml).
DEFAULT_MAX_BYTES = 4_718_592
DEFAULT_MAX_FILES = 5


@dataclass(frozen=True, slots=True)
class UploadRules:
    max_files: int
    max_bytes: int
    kinds: frozenset[str]

    @classmethod
    def for_policy(cls, policy: Policy | None) -> UploadRules:
        """The policy's [intake] rules, or the defaults (5 files, 4.5 MiB, JPEG/PNG/PDF)."""
        intake = policy.intake if policy is not None else None
        if intake is None:
            return cls(DEFAULT_MAX_FILES, DEFAULT_MAX_BYTES, frozenset(sniff.DEFAULT_KINDS))
        return cls(intake.max_attachments, intake.max_attachment_bytes, frozenset(intake.attachment_types))

    def describe(self) -> str:
        return (
            f"at most {self.max_files} files of at most {_size(self.max_bytes)} each, "
            f"{sniff.kinds_label(self.kinds)} only"
        )


@dataclass
class IncomingFile:
    field: str
    filename: str  # display name only (storage.display_filename); never a path
    data: bytearray = field(default_factory=bytearray)
    kind: str | None = None
    sha256: str = ""

    @property
    def media_type(self) -> str:
        return sniff.MEDIA_TYPES[self.kind]

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ParsedUpload:
    fields: dict[str, str]
    files: list[IncomingFile]


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)"
    return f"{n:,} bytes"


def _quote(name: str) -> str:
    return f'"{name}"'


class _Reader:
    def __init__(self, file_field: str, rules_for: Callable[[dict[str, str]], UploadRules]):
        self.file_field = file_field
        self.rules_for = rules_for
        self.rules: UploadRules | None = None
        self.fields: dict[str, str] = {}
        self.files: list[IncomingFile] = []
        self.field_bytes = 0
        self.parts = 0
        self._headers: dict[bytes, bytes] = {}
        self._name = b""
        self._value = b""
        self._part_name = ""
        self._text: bytearray | None = None
        self._file: IncomingFile | None = None
        self._hash = None

    # python-multipart callbacks ------------------------------------------------------
    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise ApiError(413, "too_many_parts", f"A form may have at most {MAX_PARTS} parts (fields and files).")
        self._headers = {}
        self._text = None
        self._file = None

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def on_header_end(self) -> None:
        self._headers[self._name.lower()] = self._value
        self._name = self._value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        if b"name" not in options:
            raise ApiError(400, "invalid_multipart", "A form part has no name (Content-Disposition: form-data; name=...).")
        self._part_name = options[b"name"].decode("utf-8", "replace")
        if b"filename" not in options:
            if len(self.fields) >= MAX_FIELDS:
                raise ApiError(413, "too_many_fields", f"At most {MAX_FIELDS} form fields are accepted.")
            self._text = bytearray()
            return
        if self._part_name != self.file_field:
            raise ApiError(
                422, "unexpected_file", f"Files go in the field {self.file_field!r}, not {self._part_name!r}."
            )
        if self.rules is None:
            self.rules = self.rules_for(self._decoded_fields())
        raw_name = options[b"filename"].decode("utf-8", "replace")
        name = display_filename(raw_name)
        if len(self.files) >= self.rules.max_files:
            raise ApiError(
                422,
                "too_many_attachments",
                f"{_quote(name)} was refused: at most {self.rules.max_files} attachments are accepted per request"
                + (" (none here)." if self.rules.max_files == 0 else "."),
                filename=name,
            )
        self._file = IncomingFile(field=self._part_name, filename=name)
        self._file_raw_name = raw_name
        self._hash = hashlib.sha256()
        self.files.append(self._file)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._text is not None:
            self.field_bytes += len(chunk)
            if self.field_bytes > MAX_FIELD_BYTES:
                raise ApiError(413, "fields_too_large", f"The form's text fields exceed {MAX_FIELD_BYTES:,} bytes.")
            self._text += chunk
            return
        file = self._file
        if file is None:
            return
        before = len(file.data)
        if before + len(chunk) > self.rules.max_bytes:
            raise ApiError(
                413,
                "attachment_too_large",
                f"{_quote(file.filename)} was refused: it is larger than {_size(self.rules.max_bytes)}, "
                "the largest attachment accepted.",
                filename=file.filename,
            )
        file.data += chunk
        self._hash.update(chunk)
        if file.kind is None and before < sniff.HEAD_SIZE <= len(file.data):
            self._judge(file)

    def on_part_end(self) -> None:
        if self._text is not None:
            self.fields[self._part_name] = self._text.decode("utf-8", "replace")
            self._text = None
            return
        file = self._file
        if file is None:
            return
        self._file = None
        if not file.data and self._file_raw_name == "":
            self.files.remove(file)  # a form's empty file input: no file chosen
            return
        if not file.data:
            raise ApiError(422, "attachment_empty", f"{_quote(file.filename)} was refused: the file is empty.",
                           filename=file.filename)
        if file.kind is None:
            self._judge(file)
        file.sha256 = self._hash.hexdigest()

    # ---------------------------------------------------------------------------------
    def _judge(self, file: IncomingFile) -> None:
        head = bytes(file.data[: sniff.HEAD_SIZE])
        kind = sniff.detect(head)
        if kind is None or kind not in self.rules.kinds:
            raise ApiError(
                415,
                "attachment_type_refused",
                f"{_quote(file.filename)} was refused: its content is {sniff.describe_refused(head)}; "
                f"only {sniff.kinds_label(self.rules.kinds)} files are accepted "
                "(judged by the content, not the name or declared type).",
                filename=file.filename,
            )
        file.kind = kind

    def _decoded_fields(self) -> dict[str, str]:
        return dict(self.fields)


async def read_upload(
    request: Request,
    *,
    file_field: str,
    rules_for: Callable[[dict[str, str]], UploadRules],
    max_body: int,
) -> tuple[ParsedUpload, UploadRules]:
    """Parse a multipart/form-data body; `rules_for(fields so far)` is asked at the first file."""
    content_type = request.headers.get("content-type", "")
    kind, params = parse_options_header(content_type)
    if kind == b"application/x-www-form-urlencoded":
        return ParsedUpload(await _read_urlencoded(request), []), rules_for({})
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise ApiError(415, "unsupported_media_type", "Send the form as multipart/form-data.")
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > max_body:
        raise ApiError(
            413, "request_too_large", f"The request is {int(length):,} bytes; at most {max_body:,} are accepted."
        )
    reader = _Reader(file_field, rules_for)
    callbacks = {
        name: getattr(reader, name)
        for name in (
            "on_part_begin",
            "on_part_data",
            "on_part_end",
            "on_header_field",
            "on_header_value",
            "on_header_end",
            "on_headers_finished",
        )
    }
    parser = multipart.MultipartParser(params[b"boundary"], callbacks)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_body:
                raise ApiError(413, "request_too_large", f"The request exceeds {max_body:,} bytes.")
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise ApiError(400, "invalid_multipart", "The multipart body is malformed.") from None
    if reader._file is not None or reader._text is not None:
        raise ApiError(400, "invalid_multipart", "The multipart body ended in the middle of a part.")
    rules = reader.rules or rules_for(reader._decoded_fields())
    return ParsedUpload(reader.fields, reader.files), rules


async def _read_urlencoded(request: Request) -> dict[str, str]:
    """A form without files (an email gateway's plain request)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FIELD_BYTES:
            raise ApiError(413, "fields_too_large", f"The form's text fields exceed {MAX_FIELD_BYTES:,} bytes.")
    try:
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        raise ApiError(413, "too_many_fields", f"At most {MAX_FIELDS} form fields are accepted.") from None
    return dict(pairs)


def max_body_for(rules: UploadRules) -> int:
    """A bound on the whole request for these rules: the files, the fields and the multipart framing."""
    return rules.max_files * (rules.max_bytes + 4096) + MAX_FIELD_BYTES + 64 * 1024


def recheck(files: list[IncomingFile], rules: UploadRules) -> None:
    """Judge already-read files against rules that became known only after them."""
    for number, file in enumerate(files, start=1):
        if number > rules.max_files:
            raise ApiError(
                422,
                "too_many_attachments",
                f"{_quote(file.filename)} was refused: at most {rules.max_files} attachments are accepted per request.",
                filename=file.filename,
            )
        if file.size > rules.max_bytes:
            raise ApiError(
                413,
                "attachment_too_large",
                f"{_quote(file.filename)} was refused: it is larger than {_size(rules.max_bytes)}, "
                "the largest attachment accepted.",
                filename=file.filename,
            )
        if file.kind not in rules.kinds:
            raise ApiError(
                415,
                "attachment_type_refused",
                f"{_quote(file.filename)} was refused: it is a {sniff.LABELS.get(file.kind, file.kind)} file; "
                f"only {sniff.kinds_label(rules.kinds)} files are accepted.",
                filename=file.filename,
            )
