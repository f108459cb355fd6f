"""What a secret looks like in names and in free text: pure, headless (used by redaction.py).

Names: a setting, env var, header, flag or object key is secret when one of its words
(split at `-`, `_`, `.` and camelCase, compared case-insensitively) is a credential word
(password, token, secret, api key, ...), unless its last word says it only points at one
(`secretName`, `secretKeyRef`, `tokenPath`, `passwordFile`): references are kept, they say
where a value lives, not what it is.

Text: `find_secrets` returns the character ranges of secret values in a string that has no
terminal escapes (see `Visible`, which strips them and maps positions back), so output
coloured by `grep --color` or `jq` is searched as the user saw it.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import re
from collections.abc import Iterator

MASK = "[REDACTED]"

# -- names ---------------------------------------------------------------------------------
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
# A word that ends with one of these is a credential (PGPASSWORD, GITHUBTOKEN, clientsecret).
_ENDINGS = (
    "password", "passwords", "passwd", "passphrase", "secret", "secrets", "token",
    "credential", "credentials", "creds", "apikey", "privatekey", "cookie", "cookies",
    "authorization", "bearer", "jwt", "dsn", "storepass", "keypass",
)  # fmt: skip
_EXACT = frozenset({"pass", "auth", "auths", "pw"})
# Two words that together name a key (api_key, PRIVATE_KEY, client-key-data...).
_PAIRS = frozenset(
    {
        ("api", "key"), ("private", "key"), ("access", "key"), ("signing", "key"),
        ("encryption", "key"), ("master", "key"), ("session", "key"), ("auth", "key"),
        ("client", "key"), ("key", "data"), ("ssh", "key"), ("account", "key"),
        ("storage", "key"), ("shared", "key"), ("connection", "string"), ("x", "pass"),
    }
)  # fmt: skip
# A last word that makes the name a pointer to a secret, or a property of one, not its value.
_NOT_A_VALUE = frozenset(
    {
        "name", "names", "ref", "refs", "file", "files", "path", "paths", "dir", "directory",
        "length", "len", "type", "types", "mode", "policy", "seconds", "ttl", "timeout",
        "enabled", "disabled", "required", "count", "version", "id", "ids", "url", "uri",
        "endpoint", "header", "selector", "field", "format", "algorithm", "method", "hint",
        "location", "mount", "provider", "source", "namespace", "expiration", "prompt",
    }
)  # fmt: skip


def name_words(name: str) -> list[str]:
    """`name` as lower-case words: "X-Api-Key" -> x, api, key; "clientSecret" -> client, secret."""
    return [w.lower() for chunk in re.split(r"[^A-Za-z0-9]+", name) for w in _WORD.findall(chunk)]


def is_secret_name(name: str) -> bool:
    """Does `name` (a key, env var, header, flag) announce a secret value?"""
    words = name_words(name)
    if not words or words[-1] in _NOT_A_VALUE:
        return False
    for i, word in enumerate(words):
        if word in _EXACT or word.endswith(_ENDINGS):
            return True
        if word == "pwd" and len(words) > 1:  # MYSQL_PWD; PWD alone is the current directory
            return True
        if i and (words[i - 1], word) in _PAIRS:
            return True
    return False


# -- terminal escapes ------------------------------------------------------------------------
_ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI (colours, erase)
    r"|\x9b[0-?]*[ -/]*[@-~]"  # C1 CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC (titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # two-character and charset sequences
    r"|\x1b"
)


class Visible:
    """`raw` without terminal escapes, and the way back from its positions to `raw`'s."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        parts: list[str] = []
        self._vis: list[int] = []  # segment k starts at visible self._vis[k] ...
        self._orig: list[int] = []  # ... and at raw self._orig[k]
        last = visible = 0
        for match in _ESCAPE.finditer(raw) if "\x1b" in raw or "\x9b" in raw else ():
            if match.start() > last:
                self._vis.append(visible)
                self._orig.append(last)
                parts.append(raw[last : match.start()])
                visible += match.start() - last
            last = match.end()
        if last < len(raw) or not self._vis:
            self._vis.append(visible)
            self._orig.append(last)
            parts.append(raw[last:])
        self.text = "".join(parts) if len(parts) > 1 else (parts[0] if parts else "")

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """The ranges of `raw` holding visible characters [start, end)."""
        out: list[tuple[int, int]] = []
        k = max(0, bisect.bisect_right(self._vis, start) - 1)
        while start < end and k < len(self._vis):
            seg_end = self._vis[k + 1] if k + 1 < len(self._vis) else len(self.text)
            if start < seg_end:
                stop = min(end, seg_end)
                base = self._orig[k] - self._vis[k]
                out.append((start + base, stop + base))
                start = stop
            k += 1
        return out


# -- free text ---------------------------------------------------------------------------------
_KV = re.compile(
    r"""(?<![\w.$])(?P<q>["']?)(?P<name>[A-Za-z_][\w.-]*)(?P=q)[ \t]*(?P<op>=|:)(?P<sp>[ \t]*)
    (?:"(?P<dq>(?:[^"\\\r\n]|\\.)*)"|'(?P<sq>[^'\r\n]*)'|(?P<bare>[^\s"'{}\[\],;&][^\s"',;&]*))""",
    re.VERBOSE,
)
_ENV_JSON = re.compile(
    r'"name"\s*:\s*"(?P<name>[^"\\]*)"\s*,\s*"value"\s*:\s*"(?P<value>(?:[^"\\]|\\.)*)"'
)
_ENV_YAML = re.compile(
    r"""(?m)^[ \t]*(?:-[ \t]+)?name:[ \t]*["']?(?P<name>[\w.-]+)["']?[ \t]*\r?\n"""
    r"""[ \t]*value:[ \t]*(?P<value>[^\r\n]*)"""
)
_FLAG_VALUE = re.compile(
    r"""(?<!\S)(?P<dash>--?)(?P<name>[A-Za-z][\w-]*)[ \t]+"""
    r"""(?P<value>"[^"\r\n]*"|'[^'\r\n]*'|[^\s\-"'`|;&]\S*)"""
)
_URL_USERINFO = re.compile(
    r"""(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]*://(?P<user>[^\s:/@?#'"<>]*)"""
    r"""(?::(?P<password>[^\s/?#'"<>]*))?@"""
)
_USER_FLAG = re.compile(
    r"""(?<!\S)(?:-u|-U|--user|--proxy-user)(?:[ \t]*=[ \t]*|[ \t]+|(?=\S))"""
    r"""(?:"(?P<dq>[^"\r\n:]*):(?P<dpw>[^"\r\n]*)"|'(?P<sq>[^'\r\n:]*):(?P<spw>[^'\r\n]*)'"""
    r"""|(?P<user>[^\s:"']*):(?P<pw>\S+))"""
)
_AUTH_HEADER = re.compile(
    r"""(?i:(?<![\w-])(?:proxy-)?authorization)["']?[ \t]*[:=][ \t]*["']?"""
    r"""(?:(?i:bearer|basic|token|digest|negotiate|ntlm|bot|apikey|aws4-hmac-sha256)[ \t]+)?"""
    r"""(?P<value>[^\r\n"']+)"""
)
_BEARER = re.compile(r"(?<![\w-])(?i:bearer)[ \t]+(?P<value>[A-Za-z0-9._~+/=-]{8,})")
_BASIC = re.compile(r"(?<![\w-])(?i:basic)[ \t]+(?P<value>[A-Za-z0-9+/]{6,}={0,2})(?![\w+/=])")
_DB_CLIENT = re.compile(
    r"""\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mariadb"""
    r"""(?:-dump|-admin)?)\b[^\r\n|;&]*?(?<!\S)-p(?P<value>"[^"\r\n]*"|'[^'\r\n]*'|[^\s"']\S*)"""
)
_OTHER_CLIENTS = re.compile(
    r"""\b(?:redis-cli\b[^\r\n|;&]*?(?<!\S)-a|sshpass[ \t]+-p|(?:docker|podman|helm|nerdctl)"""
    r"""\b[^\r\n|;&]*?\blogin\b[^\r\n|;&]*?(?<!\S)-p)[ \t]*(?P<value>\S+)"""
)
_OPENSSL_PASS = re.compile(r"(?<![\w-])pass:(?P<value>\S+)")
# Whole values with a shape of their own. One pattern each, every one starting with a
# literal, so the regex engine can skip ahead (an alternation of them is ~10x slower).
_WHOLE = tuple(
    re.compile(f"(?P<value>{shape})")
    for shape in (
        r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*",  # a JWT (Kubernetes service account tokens)
        r"A(?:KIA|SIA|BIA|CCA|GPA|IDA|ROA|IPA|NPA|NVA|PKA)[A-Z0-9]{16}(?![A-Z0-9])",  # AWS
        r"gh[pousr]_[A-Za-z0-9]{30,}",
        r"github_pat_\w{22,}",
        r"glpat-[\w-]{20,}",
        r"xox[abposr]-[\w-]{10,}",
        r"[sr]k_live_\w{16,}",
        r"AIza[\w-]{35}",
        r"npm_[A-Za-z0-9]{36}",
    )
)
_PEM = re.compile(
    r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?P<value>.*?)(?=-----END |\Z)",
    re.DOTALL,
)
_PEM_BASE64 = re.compile(r"(?P<value>LS0tLS1CRUdJTi[A-Za-z0-9+/=]{20,})")
_HARMLESS = frozenset({"true", "false", "null", "none", "yes", "no", "~", MASK.lower()})
_BLOCK_SCALAR = re.compile(r"^[|>][+-]?$")
_SHELL_VAR = re.compile(r"^\$\{?[A-Za-z_]\w*\}?$")
_SHORT_FLAG_NAME = re.compile(r"^[a-z][a-z-]+$")  # -storepass, -passout: words, no value
_EOL = re.compile(r"[\r\n]")
_SPACE = re.compile(r"\s")
_WORD_CHAR = re.compile(r"\w")
# Every text pattern needs one of these (ASCII case ignored) on its line or the next.
# Plain strings, searched with str.find: a regex alternation is ~100x slower on megabytes.
_HINTS = (
    "pass", "secret", "token", "cred", "key", "cookie", "auth", "bearer", "jwt", "dsn", "pw",
    "string", "basic", "://", "eyj", "-u", "mysql", "mariadb", "redis-cli", "login", "akia",
    "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "apka", "ghp_",
    "gho_", "ghu_", "ghs_", "ghr_", "github_pat", "glpat", "xox", "_live_", "aiza", "npm_",
    "ls0tls1c",
)  # fmt: skip
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_REACH = 4096  # how far a region reaches back for its line start
_TOKEN_MAX = 65536  # how far a region stretches forward to the end of a token
_NEXT_LINE = re.compile(r"\r?\n(?P<body>[^\r\n]*)")


def find_secrets(text: str) -> list[tuple[int, int]]:
    """Ranges of secret values in `text` (unsorted, may overlap; no terminal escapes).

    Only the lines around a hint (a word every pattern needs) are searched: a recording of
    tens of megabytes is mostly output with no secret-ish word in it."""
    found: list[tuple[int, int]] = []
    for start, end in _regions(text):
        _find_in(text, start, end, found)
    if "PRIVATE KEY" in text:  # a key block spans many lines: searched whole
        found.extend(m.span("value") for m in _PEM.finditer(text) if m.group("value"))
    return [(s, e) for s, e in found if e > s and text[s:e] != MASK]


def _regions(text: str) -> list[tuple[int, int]]:
    """Merged ranges around each hint: its line, the lines before and after (an env entry's
    name and value are on two lines), stretched to whitespace so no token is cut."""
    regions: list[tuple[int, int]] = []
    for pos, hint_end in _hints(text):
        if regions and hint_end < regions[-1][1] - _REACH:
            continue  # well inside the last region
        start = _line_start(text, _line_start(text, pos) - 1)
        end = _line_end(text, _next_line(text, _line_end(text, hint_end)))
        stop = _SPACE.search(text, end, min(len(text), end + _TOKEN_MAX))
        end = stop.start() if stop else min(len(text), end + _TOKEN_MAX)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], max(regions[-1][1], end))
        else:
            regions.append((start, end))
    return regions


def _hints(text: str) -> list[tuple[int, int]]:
    """(start, end) of every hint in `text`, in order."""
    lower = text.translate(_ASCII_LOWER)  # same length as text, unlike str.lower()
    found: list[tuple[int, int]] = []
    for word in _HINTS:
        pos = lower.find(word)
        while pos >= 0:
            found.append((pos, pos + len(word)))
            pos = lower.find(word, pos + len(word))
    found.sort()
    return found


def _line_start(text: str, pos: int) -> int:
    """Start of the line holding `pos` (for a line break: of the line it ends), looking
    back at most _REACH characters."""
    if pos <= 0:
        return 0
    if pos < len(text) and text[pos] == "\n" and text[pos - 1] == "\r":
        pos -= 1
    low = max(0, pos - _REACH)
    newline = max(text.rfind("\n", low, pos), text.rfind("\r", low, pos))
    return newline + 1 if newline >= 0 else low


def _next_line(text: str, eol: int) -> int:
    """Where the line after the break at `eol` starts."""
    return eol + 2 if text.startswith("\r\n", eol) else eol + 1


def _find_in(text: str, start: int, end: int, found: list[tuple[int, int]]) -> None:
    found.extend(_key_values(text, start, end))
    for pattern in (_ENV_JSON, _ENV_YAML):
        for m in pattern.finditer(text, start, end):
            if is_secret_name(m.group("name")):
                found.append(_unquoted(text, m.start("value"), m.end("value")))
    for m in _FLAG_VALUE.finditer(text, start, end):
        name = m.group("name")
        if m.group("dash") == "-" and not _SHORT_FLAG_NAME.match(name):
            continue  # -pS3cret is a value glued to a flag, not a flag named "pS3cret"
        if is_secret_name(name):
            found.append(_unquoted(text, m.start("value"), m.end("value")))
    for m in _URL_USERINFO.finditer(text, start, end):
        if m.group("password"):
            found.append(m.span("password"))
        elif len(m.group("user")) >= 20:  # https://<token>@host
            found.append(m.span("user"))
    for m in _USER_FLAG.finditer(text, start, end):
        group = next(g for g in ("dpw", "spw", "pw") if m.group(g) is not None)
        user = m.group({"dpw": "dq", "spw": "sq", "pw": "user"}[group])
        if not (user.isdigit() and m.group(group).isdigit()):  # -u 1000:1000 is uid:gid
            found.append(m.span(group))
    for m in _AUTH_HEADER.finditer(text, start, end):
        found.append(_trimmed(text, *m.span("value")))
    for m in _BEARER.finditer(text, start, end):
        if re.search(r"[\d._~+/=-]", m.group("value")):
            found.append(m.span("value"))
    for m in _BASIC.finditer(text, start, end):
        if _is_basic_credential(m.group("value")):
            found.append(m.span("value"))
    for pattern in (_DB_CLIENT, _OTHER_CLIENTS):
        for m in pattern.finditer(text, start, end):
            found.append(_unquoted(text, m.start("value"), m.end("value")))
    found.extend(m.span("value") for m in _OPENSSL_PASS.finditer(text, start, end))
    for pattern in _WHOLE:
        for m in pattern.finditer(text, start, end):
            if m.start() == 0 or not _WORD_CHAR.match(text, m.start() - 1):
                found.append(m.span())
    for m in _PEM_BASE64.finditer(text, start, end):
        if _decodes_to_private_key(m.group("value")):
            found.append(m.span("value"))


def _key_values(text: str, pos: int, stop: int) -> Iterator[tuple[int, int]]:
    """`name=value`, `name: value`, `"name": "value"`... with a secret-looking name."""
    while True:
        m = _KV.search(text, pos, stop)
        if m is None:
            return
        pos = m.end("name")  # a name that is not secret may still hold one: NAME=token=x
        name = m.group("name")
        if not is_secret_name(name) or name.lower().endswith("authorization"):
            continue  # (Authorization has its own pattern, which keeps the scheme)
        quoted = m.group("dq") is not None or m.group("sq") is not None
        if m.group("op") == ":" and not (m.group("sp") or m.group("q") or quoted):
            continue  # host:port, scheme:rest
        group = "dq" if m.group("dq") is not None else "sq" if quoted else "bare"
        start, end = m.span(group)
        value = m.group(group)
        if not quoted:
            if value.lower() in _HARMLESS or _SHELL_VAR.match(value):
                continue
            if m.group("op") == ":" and _BLOCK_SCALAR.match(value):
                yield _block_scalar(text, m.start("name"), end)
                continue
            if m.group("op") == ":":  # a YAML plain scalar or a header runs to the line's end
                end = _trimmed(text, start, _line_end(text, start))[1]
        yield start, end
        pos = max(pos, end)


def _line_end(text: str, pos: int) -> int:
    m = _EOL.search(text, pos)
    return m.start() if m else len(text)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t,}":
        end -= 1
    return start, end


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] == text[end - 1] and text[start] in "\"'":
        return start + 1, end - 1
    return start, end


def _block_scalar(text: str, key_start: int, after: int) -> tuple[int, int]:
    """The lines of a YAML block scalar (`key: |`) indented deeper than its key."""
    newline = text.rfind("\n", 0, key_start)
    line_start = max(newline, text.rfind("\r", max(newline, 0), key_start)) + 1
    indent = key_start - line_start
    start = end = _line_end(text, after)
    for line in _NEXT_LINE.finditer(text, start):
        if line.start() != end:
            break
        body = line.group("body")
        if body.strip() and len(body) - len(body.lstrip(" ")) <= indent:
            break
        end = line.end()
    return start, end


def _is_basic_credential(value: str) -> bool:
    try:
        return b":" in base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return False


def _decodes_to_private_key(value: str) -> bool:
    head = value[:96]
    try:
        return b"PRIVATE KEY" in base64.b64decode(head[: len(head) // 4 * 4])
    except (binascii.Error, ValueError):
        return False


__all__ = ["MASK", "Visible", "find_secrets", "is_secret_name", "name_words"]
