"""Reading and writing quiz files: plain JSON, or a `.zip` bundle of quiz.json and its images.

A bundle comes from people we do not trust, so reading one is defensive: the archive's size,
its member count, each member's real (not declared) uncompressed size and the total are all
capped, and member names that could escape a folder (`..`, absolute paths, drive letters,
backslashes), links, encrypted members and duplicates are refused. Nothing is ever extracted
to disk: the images quiz.json names are read into memory and handed to the importer, which
re-encodes them (quizzes.authoring.images) before storing anything.

JSON objects with a repeated key are refused too: `json.loads` would silently keep the last.
"""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import PurePosixPath
from typing import Any

from quizzes.format.checks import LONE_SURROGATE, Problem, at, text_is_unicode

QUIZ_JSON = "quiz.json"
JSON_MAX_BYTES = 1_000_000  # a quiz file is a few KB; a megabyte is generous
JSON_MAX_DEPTH = 20  # a quiz file nests 6 levels; the walks below recurse once per level
BUNDLE_MAX_BYTES = 50_000_000  # the archive as uploaded
BUNDLE_MAX_MEMBERS = 200
BUNDLE_MAX_TOTAL = 100_000_000  # all members read, uncompressed
MAX_RATIO = 200  # deflate at its best is ~1000:1; real quiz files and images are far below
_CHUNK = 64 * 1024


class BundleError(Exception):
    """The file cannot be read as a quiz: `problems` says why, by JSON path or member name."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


class _Pairs(dict):
    """A JSON object that remembers the keys it saw more than once."""

    duplicates: list[str]


def _pairs_hook(pairs: list[tuple[str, Any]]) -> _Pairs:
    obj = _Pairs()
    obj.duplicates = []
    for key, value in pairs:
        if key in obj and key not in obj.duplicates:
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def _json_problems(value: Any, path: str, out: list[Problem]) -> None:
    """Repeated keys, and strings (keys too) that hold a lone surrogate: "\\ud800" is valid
    JSON but no text, and would fail where it is printed or stored, not here."""
    if isinstance(value, str):
        if not text_is_unicode(value):
            out.append(Problem(path, LONE_SURROGATE))
    elif isinstance(value, dict):
        for key in getattr(value, "duplicates", ()):
            out.append(Problem(at(path, key), "duplicate key in the JSON object"))
        for key, item in value.items():
            if not text_is_unicode(key):
                out.append(Problem(at(path, key), f"the key {LONE_SURROGATE}"))
            _json_problems(item, at(path, key), out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _json_problems(item, f"{'' if path == '$' else path}[{i}]", out)


def _depth(value: Any) -> int:
    """How deep lists and objects nest (iterative: any depth json.loads accepted)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend(
                (v, level + 1) for v in (item.values() if isinstance(item, dict) else item)
            )
    return deepest


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def json_parse(raw: bytes, *, where: str = "$") -> Any:
    """Parse a quiz file's bytes (UTF-8, BOM allowed); BundleError on bad JSON or repeated keys."""
    if len(raw) > JSON_MAX_BYTES:
        raise BundleError([Problem(where, f"the file is larger than {JSON_MAX_BYTES} bytes")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BundleError([Problem(where, f"not UTF-8 text (byte {exc.start})")]) from None
    try:
        data = json.loads(text, object_pairs_hook=_pairs_hook)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        raise BundleError([Problem(where, message)]) from None
    except RecursionError:
        raise BundleError([Problem(where, "not valid JSON: nested too deeply")]) from None
    if _depth(data) > JSON_MAX_DEPTH:
        raise BundleError([Problem(where, "not valid JSON: nested too deeply")])
    problems: list[Problem] = []
    _json_problems(data, "$", problems)
    if problems:
        raise BundleError(problems)
    return _plain(data)


def image_paths(data: Any) -> list[str]:
    """The image paths a (not yet validated) quiz file names, in file order, each once."""
    found: list[str] = []

    def add(value: Any) -> None:
        if isinstance(value, str) and value not in found:
            found.append(value)

    if not isinstance(data, dict):
        return found
    add(data.get("cover"))
    if isinstance(data.get("card"), dict):
        add(data["card"].get("image"))
    outcomes = data.get("outcomes")
    for outcome in outcomes if isinstance(outcomes, list) else []:
        if isinstance(outcome, dict) and isinstance(outcome.get("card"), dict):
            add(outcome["card"].get("image"))
    for holder in _question_images(data):
        add(holder.get("image"))
    return found


def _question_images(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The questions and choices of a (not yet validated) file: what may hold an `image`."""
    holders: list[dict[str, Any]] = []
    questions = data.get("questions")
    for q in questions if isinstance(questions, list) else []:
        if not isinstance(q, dict):
            continue
        holders.append(q)
        choices = q.get("choices")
        if isinstance(choices, list):
            holders += [c for c in choices if isinstance(c, dict)]
    return holders


def _name_problem(name: str) -> str | None:
    if "\\" in name or "\x00" in name or ":" in name.split("/", 1)[0]:
        return "unsafe member name"
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return "unsafe member name (it points outside the bundle)"
    return None


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A member's bytes, counting what is really inflated (headers can lie about sizes)."""
    if info.file_size > limit:
        raise BundleError([Problem(info.filename, f"larger than {limit} bytes")])
    if info.compress_size and info.file_size / info.compress_size > MAX_RATIO:
        raise BundleError([Problem(info.filename, "compressed suspiciously well (a zip bomb?)")])
    out = bytearray()
    with zf.open(info) as member:
        while chunk := member.read(_CHUNK):
            out += chunk
            if len(out) > limit:
                raise BundleError([Problem(info.filename, f"larger than {limit} bytes")])
    return bytes(out)


def bundle_read(raw: bytes, *, image_max_bytes: int) -> tuple[Any, dict[str, bytes]]:
    """The parsed quiz.json of a zip bundle and the bytes of each image it names that exists.

    Raises BundleError for anything unsafe or unreadable. A named image missing from the
    archive is left for the importer to report at its JSON path.
    """
    if len(raw) > BUNDLE_MAX_BYTES:
        raise BundleError([Problem("$", f"the bundle is larger than {BUNDLE_MAX_BYTES} bytes")])
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise BundleError([Problem("$", "not a readable zip archive")]) from None
    with zf:
        if len(infos) > BUNDLE_MAX_MEMBERS:
            raise BundleError([Problem("$", f"more than {BUNDLE_MAX_MEMBERS} files in the bundle")])
        problems: list[Problem] = []
        members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if why := _name_problem(name):
                problems.append(Problem(name, why))
            elif info.flag_bits & 0x1:
                problems.append(Problem(name, "encrypted members are not allowed"))
            elif stat.S_ISLNK(info.external_attr >> 16):
                problems.append(Problem(name, "links are not allowed"))
            elif name in members:
                problems.append(Problem(name, "appears twice in the bundle"))
            elif not info.is_dir():
                members[name] = info
        if problems:
            raise BundleError(problems)
        if QUIZ_JSON not in members:
            raise BundleError([Problem("$", "the bundle has no quiz.json at its top level")])
        try:
            data = json_parse(_read_member(zf, members[QUIZ_JSON], JSON_MAX_BYTES), where=QUIZ_JSON)
            images: dict[str, bytes] = {}
            total = 0
            for path in image_paths(data):
                member = members.get(path)
                if member is None:
                    continue
                images[path] = _read_member(zf, member, image_max_bytes)
                total += len(images[path])
                if total > BUNDLE_MAX_TOTAL:
                    raise BundleError([Problem("$", "the images add up to too many bytes")])
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
            raise BundleError([Problem("$", f"the zip archive is damaged ({exc})")]) from None
    return data, images


def quiz_file_read(
    raw: bytes, *, image_max_bytes: int, name: str = ""
) -> tuple[Any, dict[str, bytes]]:
    """A quiz file's parsed data and images, whether it is plain JSON or a zip bundle.

    A zip is known by its first bytes or by its file `name` (".zip"): a damaged zip is then
    reported as an unreadable archive, not as text that is not UTF-8.
    """
    zipped = raw[:4] in (b"PK\x03\x04", b"PK\x05\x06") or name.lower().endswith(".zip")
    if zipped:
        return bundle_read(raw, image_max_bytes=image_max_bytes)
    return json_parse(raw), {}


def bundle_write(data: dict[str, Any], images: dict[str, bytes]) -> bytes:
    """A zip of quiz.json (pretty, UTF-8) and the images under the paths the file names."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(QUIZ_JSON, json_dumps(data))
        for path, content in sorted(images.items()):
            # Images are compressed already; storing them keeps export cheap.
            zf.writestr(path, content, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def json_dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def export_paths(definition: dict[str, Any]) -> dict[str, str]:
    """Storage name -> path in the bundle (`images/<file name>`) for every image a definition
    names; two stored files with the same name get distinct bundle paths."""
    mapping: dict[str, str] = {}
    for name in image_paths(definition):
        base = PurePosixPath(name).name
        path, n = f"images/{base}", 1
        while path in mapping.values():
            n += 1
            stem, dot, ext = base.rpartition(".")
            path = f"images/{stem}-{n}{dot}{ext}"
        mapping[name] = path
    return mapping


def definition_relink(definition: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    """A copy of a definition whose image paths are renamed by `mapping`."""
    out = json.loads(json.dumps(definition))
    if out.get("cover") in mapping:
        out["cover"] = mapping[out["cover"]]
    for holder in [out, *out.get("outcomes", [])]:
        card = holder.get("card") or {}
        if card.get("image") in mapping:
            card["image"] = mapping[card["image"]]
    for holder in _question_images(out):
        if isinstance(holder.get("image"), str) and holder["image"] in mapping:
            holder["image"] = mapping[holder["image"]]
    return out
