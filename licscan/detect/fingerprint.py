"""Fingerprints of canonical licence texts: hashed word shingles, not the texts.

A fingerprint is the set of CRC-32 hashes of every run of ``SHINGLE`` words
of a licence's normalised text. Comparing an input's shingles with it tells
how much of the canonical text is present (coverage), how much of the input
is canonical (containment) and which runs of the input are not canonical
(modified passages), without the project storing any licence text.

The files live in ``license_db/fingerprints/`` (format in its README.md) and
are written by ``scripts/build_fingerprints.py``. They are read lazily, the
first time text detection runs, never by ``load_database()``.
"""

from __future__ import annotations

import base64
import functools
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SHINGLE = 6
FORMAT = "licscan-fingerprint 1"
KINDS = ("license", "policy")


def shingles(words: Sequence[bytes]) -> list[int]:
    """CRC-32 of each run of ``SHINGLE`` consecutive words, in input order.

    CRC-32 is stable across processes and platforms (unlike ``hash()``), and
    ``map`` keeps the loop in C: about 0.2 µs per word.
    """
    if len(words) < SHINGLE:
        return []
    runs = zip(*(words[i:] for i in range(SHINGLE)))  # noqa: B905 - shorter slices end the runs
    return list(map(zlib.crc32, map(b" ".join, runs)))


@dataclass(frozen=True)
class Variant:
    """One fingerprinted text: a licence (or one version of its wording) or a policy document."""

    name: str  # file stem: the licence id, or ``<id>--<variant>``
    license_id: str  # the licence it belongs to (for a policy: the licence that incorporates it)
    kind: str  # "license" | "policy" (an acceptable-use policy is not a licence)
    source: str
    hashes: frozenset[int] = field(repr=False)
    # First and last shingle of the text: they tell a header or footer added
    # around the licence from a change to its first or last lines.
    head: int | None = None
    tail: int | None = None

    @classmethod
    def from_words(cls, name: str, license_id: str, kind: str, source: str, words: Sequence[bytes]) -> Variant:
        hashes = shingles(words)
        return cls(
            name,
            license_id,
            kind,
            source,
            frozenset(hashes),
            hashes[0] if hashes else None,
            hashes[-1] if hashes else None,
        )

    @property
    def size(self) -> int:
        return len(self.hashes)


@dataclass(frozen=True, eq=False)  # identity semantics: detection caches its indexes per object
class Fingerprints:
    """All fingerprints, with an index from shingle hash to the variants holding it."""

    variants: tuple[Variant, ...]
    # hash -> mask id; masks[id] is a bitmask over ``variants``. One dict
    # probe per input shingle tells which texts hold it, and counting small
    # ids (cached ints, compared by identity) is several times faster than
    # counting the masks themselves.
    owners: dict[int, int] = field(repr=False)
    masks: tuple[int, ...] = field(repr=False)

    @classmethod
    def build(cls, variants: Iterable[Variant]) -> Fingerprints:
        chosen = tuple(sorted(variants, key=lambda v: v.name))
        owners: dict[int, int] = {}
        for bit, variant in enumerate(chosen):
            flag = 1 << bit
            for h in variant.hashes:
                owners[h] = owners.get(h, 0) | flag
        ids, masks = mask_ids(owners)
        return cls(chosen, ids, masks)

    @classmethod
    def empty(cls) -> Fingerprints:
        """No fingerprints: detection falls back to phrases only."""
        return cls((), {}, ())

    def for_license(self, license_id: str) -> tuple[Variant, ...]:
        return tuple(v for v in self.variants if v.license_id == license_id and v.kind == "license")

    def __len__(self) -> int:
        return len(self.variants)


def mask_ids(owners: dict[int, int]) -> tuple[dict[int, int], tuple[int, ...]]:
    """Replace each bitmask by a small id, the most frequent masks first."""
    frequency = Counter(owners.values())
    masks = tuple(m for m, _ in frequency.most_common())
    ids = {m: i for i, m in enumerate(masks)}
    return {h: ids[m] for h, m in owners.items()}, masks


class FingerprintError(ValueError):
    """A fingerprint file is malformed."""


def encode(variant: Variant) -> str:
    """The text of a ``.fp`` file: ``key: value`` header, a blank line, base64 of sorted uint32 LE."""
    packed = array("I", sorted(variant.hashes))
    if packed.itemsize != 4:  # pragma: no cover - every supported platform has 32-bit "I"
        raise FingerprintError("array('I') is not 32-bit here")
    raw = packed.tobytes() if _LITTLE else _swapped(packed)
    data = base64.b64encode(raw).decode("ascii")
    lines = [data[i : i + 76] for i in range(0, len(data), 76)]
    header = [
        FORMAT,
        f"license: {variant.license_id}",
        f"variant: {variant.name}",
        f"kind: {variant.kind}",
        f"source: {variant.source}",
        f"shingle: {SHINGLE} words, crc32",
        f"count: {len(packed)}",
    ]
    if variant.head is not None and variant.tail is not None:
        header += [f"head: {variant.head:08x}", f"tail: {variant.tail:08x}"]
    return "\n".join([*header, "", *lines, ""])


def decode(text: str, name: str) -> Variant:
    head, sep, body = text.partition("\n\n")
    lines = head.splitlines()
    if not sep or not lines or lines[0].strip() != FORMAT:
        raise FingerprintError(f"{name}: not a {FORMAT!r} file")
    meta = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    if meta.get("shingle", "").split(" ")[0] != str(SHINGLE):
        raise FingerprintError(f"{name}: shingle size {meta.get('shingle')!r}, expected {SHINGLE}")
    if meta.get("kind") not in KINDS or not meta.get("license"):
        raise FingerprintError(f"{name}: needs license and kind ({'/'.join(KINDS)})")
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
    except ValueError as exc:
        raise FingerprintError(f"{name}: bad base64: {exc}") from exc
    if len(raw) % 4:
        raise FingerprintError(f"{name}: data is not a whole number of uint32")
    packed = array("I")
    packed.frombytes(raw)
    if not _LITTLE:  # pragma: no cover - big-endian hosts
        packed.byteswap()
    if str(len(packed)) != meta.get("count"):
        raise FingerprintError(f"{name}: count {meta.get('count')!r} but {len(packed)} hashes")
    hashes = frozenset(packed)
    ends = [_hex(meta.get(key), name) for key in ("head", "tail")]
    if any(h is not None and h not in hashes for h in ends):
        raise FingerprintError(f"{name}: head/tail not among the hashes")
    return Variant(
        name=meta.get("variant") or name,
        license_id=meta["license"],
        kind=meta["kind"],
        source=meta.get("source", ""),
        hashes=hashes,
        head=ends[0],
        tail=ends[1],
    )


def _hex(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value, 16)
    except ValueError as exc:
        raise FingerprintError(f"{name}: bad hash {value!r}") from exc


_LITTLE = array("I", [1]).tobytes()[0] == 1


def _swapped(packed: array[int]) -> bytes:  # pragma: no cover - big-endian hosts
    copy = array("I", packed)
    copy.byteswap()
    return copy.tobytes()


def default_directory() -> Path | None:
    from licscan.licensedb import DatabaseError, default_path

    try:
        directory = default_path() / "fingerprints"
    except DatabaseError:
        return None
    return directory if directory.is_dir() else None


def load_fingerprints(directory: Path | None = None) -> Fingerprints:
    """Read every ``*.fp`` of ``directory`` (default: ``license_db/fingerprints/``).

    A missing directory gives empty fingerprints (phrase-only detection); a
    malformed file raises ``FingerprintError``: it is shipped data, so a bad
    file is a bug to surface, not an input to tolerate.
    """
    directory = directory if directory is not None else default_directory()
    if directory is None or not directory.is_dir():
        return Fingerprints.empty()
    variants = [decode(path.read_text(encoding="ascii"), path.stem) for path in sorted(directory.glob("*.fp"))]
    index = directory / OWNERS_FILE
    if index.is_file():
        found = decode_owners(index.read_bytes(), variants)
        if found is not None:
            return found
    return Fingerprints.build(variants)


# The hash -> texts index, precomputed by scripts/build_fingerprints.py: building it
# from the .fp files takes a Python loop over every hash (~100 ms); reading it, ~10 ms.
OWNERS_FILE = "owners.idx"
_OWNERS_MAGIC = b"licscan-owners 1\n"


def encode_owners(fps: Fingerprints) -> bytes:
    """``owners.idx``: magic, a JSON line (variants, their sizes, counts), sorted
    hashes (uint32 LE), their mask ids (uint16 LE), the masks (little-endian bitsets)."""
    header = {"variants": [v.name for v in fps.variants], "sizes": [v.size for v in fps.variants]}
    return encode_table(_OWNERS_MAGIC, header, fps.owners, fps.masks, len(fps.variants))


def decode_owners(raw: bytes, variants: list[Variant]) -> Fingerprints | None:
    """The index, or None when it was not built from exactly these fingerprints."""
    chosen = tuple(sorted(variants, key=lambda v: v.name))
    found = decode_table(_OWNERS_MAGIC, raw)
    if found is None:
        return None
    header, owners, masks = found
    if header.get("variants") != [v.name for v in chosen] or header.get("sizes") != [v.size for v in chosen]:
        return None
    return Fingerprints(chosen, owners, masks)


def encode_table(
    magic: bytes, header: Mapping[str, object], owners: dict[int, int], masks: Sequence[int], bits: int
) -> bytes:
    """``magic``, ``header`` as a JSON line (with the counts added), the sorted hashes
    (uint32 LE), their mask ids (uint16 LE), then the masks as ``bits``-wide little-endian bitsets."""
    import json

    pairs = sorted(owners.items())
    width = max(1, (bits + 7) // 8)
    hashes = array("I", [h for h, _ in pairs])
    ids = array("H", [i for _, i in pairs])
    if not _LITTLE:  # pragma: no cover - big-endian hosts
        hashes.byteswap()
        ids.byteswap()
    head = {**header, "hashes": len(pairs), "masks": len(masks), "width": width}
    packed = b"".join(m.to_bytes(width, "little") for m in masks)
    return magic + json.dumps(head).encode() + b"\n" + hashes.tobytes() + ids.tobytes() + packed


def decode_table(magic: bytes, raw: bytes) -> tuple[dict[str, Any], dict[int, int], tuple[int, ...]] | None:
    """``(header, hash -> mask id, masks)`` of an ``encode_table`` file; None when it is not one."""
    import json

    if not raw.startswith(magic):
        return None
    line_end = raw.find(b"\n", len(magic))
    try:
        header = json.loads(raw[len(magic) : line_end])
        n, m, width = int(header["hashes"]), int(header["masks"]), int(header["width"])
    except (ValueError, KeyError, TypeError):
        return None
    body = raw[line_end + 1 :]
    if line_end < 0 or len(body) != 4 * n + 2 * n + width * m:
        return None
    hashes, ids = array("I"), array("H")
    hashes.frombytes(body[: 4 * n])
    ids.frombytes(body[4 * n : 6 * n])
    if not _LITTLE:  # pragma: no cover - big-endian hosts
        hashes.byteswap()
        ids.byteswap()
    start = 6 * n
    masks = tuple(int.from_bytes(body[start + i * width : start + (i + 1) * width], "little") for i in range(m))
    return header, dict(zip(hashes, ids, strict=True)), masks


@functools.lru_cache(maxsize=1)
def default_fingerprints() -> Fingerprints:
    """The shipped fingerprints, read once per process on first use."""
    return load_fingerprints()
