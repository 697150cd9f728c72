"""Share codes: a whole save as one line of text that survives chat, forums and e-mail.

``EC1-`` + URL-safe base64 of (4-byte SHA-256 check + zlib-compressed compact JSON). The
JSON is the save itself, so a code turns back into an identical save, checked by the same
loader as a file. Decoding never inflates past the save size limit.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import zlib

from .save_reader import parse_save
from .savefile import MAX_SAVE_BYTES, SaveError, SaveFile

__all__ = ["PREFIX", "decode_save", "encode_save"]

PREFIX = "EC1-"
_CHECK = 4  # bytes of SHA-256 that catch a mistyped or cut-off code


def encode_save(save: SaveFile) -> str:
    """The share code of ``save`` (one line, letters, digits, ``-`` and ``_``).

    Raises:
        SaveError: a version 1 save, which lacks its starting elements; the game upgrades it
            the first time it is opened.
    """
    if not save.starting:
        raise SaveError("save", "this is a version 1 save; open it once in the game "
                                "(`embedcraft play --save FILE`) to bring it to version 2, then share it")
    compact = json.dumps(save.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = zlib.compress(compact, 9)
    body = base64.urlsafe_b64encode(hashlib.sha256(packed).digest()[:_CHECK] + packed).decode("ascii")
    return PREFIX + body.rstrip("=")


def decode_save(code: str, source: str = "share code") -> SaveFile:
    """The save a share code holds. Spaces and line breaks inside the code are ignored.

    Raises:
        SaveError: not a share code, damaged or cut off, or the save inside is not valid.
    """
    text = "".join(code.split())
    if not text.startswith(PREFIX):
        raise SaveError(source, f"not an Embedcraft share code (it should start with {PREFIX})")
    body = text[len(PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise SaveError(source, "the share code is damaged (it has characters a code never has)") from exc
    check, packed = raw[:_CHECK], raw[_CHECK:]
    if len(raw) <= _CHECK or hashlib.sha256(packed).digest()[:_CHECK] != check:
        raise SaveError(source, "the share code is damaged or cut off (its check does not match)")
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(packed, MAX_SAVE_BYTES + 1)
    except zlib.error as exc:
        raise SaveError(source, f"the share code is damaged ({exc})") from exc
    if len(data) > MAX_SAVE_BYTES or inflater.unconsumed_tail:
        raise SaveError(source, f"the save in this code is larger than {MAX_SAVE_BYTES:,} bytes")
    if not inflater.eof:
        raise SaveError(source, "the share code is cut off")
    return parse_save(data, source)
