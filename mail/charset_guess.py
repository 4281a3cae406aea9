"""Text whose charset is missing or too narrow, read as a mail client would.

Two cases reach this module, both rare enough that its cost (and the
detector's import) is paid only by the messages that need it:

* A declared charset whose codec lacks a character of the text. Japanese
  Windows mail labelled ISO-2022-JP carries NEC and IBM extensions (①,
  ㈱, Roman numerals) that Python's strict codec refuses; mail clients read
  it as CP50220/CP932 does. `decode_lenient` does that for ISO-2022-JP and
  EUC-JP, and otherwise decodes with the declared codec replacing only the
  bytes that are really undecodable, one character at a time.
* 8-bit text with no charset declared that is not UTF-8. `guess` asks
  charset-normalizer (installed with requests), restricted to the charsets
  senders really use, and keeps cp1252 wherever it reads the bytes as well
  as the detector's pick (short Western text is ambiguous between the
  Windows code pages, and cp1252 is the likely one for this desk).
"""

import functools
import re

from mail.failsafe import noted

__all__ = ["decode_lenient", "guess"]

# Preference among candidates the detector finds equally plausible.
_CANDIDATES = ["cp1252", "gb18030", "cp932", "euc_jp", "big5hkscs", "cp949",
               "cp1251", "koi8_r", "cp1253", "cp1250", "cp1254", "cp1255",
               "cp1256", "cp874"]
_MARGIN = 0.03       # chaos within this of the best is "as plausible"
_SAMPLE = 65536      # bytes shown to the detector
_KANA_RE = re.compile("[\u3041-\u30ff]")
# The common-character standard each superset extends.
_BASIC = {"gb18030": "gb2312", "cp932": "shift_jis", "euc_jp": "euc_jp",
          "big5hkscs": "big5", "cp949": "euc_kr"}

_ESC_RE = re.compile(rb"\x1b(\$[@B]|\$\(D|\([BJI]|\$A|\$\(Q)")


def _jis_pair_to_cp932(j1, j2):
    """A JIS X 0208 row/cell byte pair as the two Shift_JIS (cp932) bytes."""
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + (0x1F if j2 <= 0x5F else 0x20)
    else:
        s2 = j2 + 0x7E
    return bytes((s1, s2))


def _iso2022jp_as_cp932(data):
    """ISO-2022-JP bytes rewritten as cp932 bytes (CP50220's reading):
    JIS X 0208 pairs (with the NEC/IBM rows cp932 adds) to Shift_JIS,
    half-width katakana to their single bytes, the rest as it is."""
    out = bytearray()
    mode = b"(B"
    pos = 0
    size = len(data)
    while pos < size:
        match = _ESC_RE.match(data, pos) if data[pos] == 0x1b else None
        if match:
            mode = match.group(1)
            pos = match.end()
            continue
        byte = data[pos]
        if mode in (b"$@", b"$B") and byte not in (0x0a, 0x0d):
            if pos + 1 < size and 0x21 <= byte <= 0x7e \
                    and 0x21 <= data[pos + 1] <= 0x7e:
                out += _jis_pair_to_cp932(byte, data[pos + 1])
                pos += 2
                continue
            out.append(0x3f)  # a broken pair: one "?" for it
            pos += 1
            continue
        if mode == b"(I" and 0x21 <= byte <= 0x5f:
            out.append(byte + 0x80)
        elif byte in (0x0a, 0x0d):
            mode = b"(B"  # a line never continues a double-byte run
            out.append(byte)
        else:
            out.append(byte)
        pos += 1
    return bytes(out)


def decode_lenient(data, codec):
    """`data` in the superset of `codec` that senders really use, with
    only the truly undecodable characters replaced (U+FFFD). None if the
    codec cannot decode at all."""
    try:
        if codec.startswith("iso2022_jp"):
            return _iso2022jp_as_cp932(bytes(data)).decode("cp932", "replace")
        if codec == "euc_jp":
            try:
                return bytes(data).decode("euc_jis_2004")
            except UnicodeDecodeError:
                pass
        return bytes(data).decode(codec, "replace")
    except (UnicodeError, LookupError, TypeError, ValueError):
        return None


def guess(data):
    """The codec undeclared, non-UTF-8 bytes are most likely in, or None
    (then the caller's cp1252 reading stands)."""
    sample = bytes(data[:_SAMPLE])
    if len(sample) <= 4096:  # header values are read more than once
        return _guess_cached(sample)
    return _guess(sample)


@functools.lru_cache(maxsize=256)
def _guess_cached(sample):
    return _guess(sample)


def _guess(sample):
    try:
        from charset_normalizer import from_bytes
        matches = list(from_bytes(sample, cp_isolation=_CANDIDATES))
    except Exception as e:  # charset-normalizer's own failure on odd bytes
        noted("charset of undeclared 8-bit text", e)
        return None
    if not matches:
        return None
    best = min(m.chaos for m in matches)
    top = [m for m in matches if m.chaos <= best + _MARGIN]
    names = [m.encoding for m in top]
    try:  # cp1252 leaves five bytes undefined: text with one is not cp1252
        western = sample.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and (
            "cp1252" in names or any(str(m) == western for m in top)):
        return "cp1252"
    for name in ("cp932", "euc_jp"):
        if name in names and _KANA_RE.search(sample.decode(name, "replace")):
            return name
    ordered = [name for name in _CANDIDATES if name in names]
    # Short CJK text reads as several of them: the one whose basic
    # character set (what most text uses) holds it is the likely one.
    for name in ordered:
        basic = _BASIC.get(name)
        if basic:
            try:
                sample.decode(basic)
                return name
            except UnicodeDecodeError:
                continue
    return (ordered or names)[0]
