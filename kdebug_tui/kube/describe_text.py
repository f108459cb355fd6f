"""The text machinery of `kubectl describe`: levels, tab-aligned columns, and the sections
every kind shares (labels, annotations, tolerations, events, container lists, volumes).

kubectl writes each line as `prefix + "key:\\tvalue"` into Go's text/tabwriter (padding 2,
spaces), which aligns the cells of consecutive lines column by column; `Writer.text()`
does the same here, so the output can be compared with kubectl's line for line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kdebug_tui.kube.podfields import d, ds, format_age, n, parse_time, s

Obj = dict[str, Any]
MAX_ANNOTATION = 140  # kubectl's maxAnnotationLen
SKIPPED_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration"}


def tabwrite(lines: list[str], padding: int = 2) -> list[str]:
    """Go's text/tabwriter: a column block is a run of consecutive lines that have a cell
    (tab-terminated) in that column; each cell is padded to its block's widest plus two."""
    rows = [line.split("\t") for line in lines]
    out: list[str] = [""] * len(rows)
    widths: list[int] = []

    def write(start: int, end: int) -> None:
        for i in range(start, end):
            cells = rows[i]
            parts = [
                cell.ljust(widths[j]) if j < len(widths) and j < len(cells) - 1 else cell
                for j, cell in enumerate(cells)
            ]
            out[i] = "".join(parts)

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(rows[this]) - 1:
                this += 1
                continue
            write(line0, this)
            line0 = this
            width = 0
            while this < line1 and column < len(rows[this]) - 1:
                width = max(width, len(rows[this][column]) + padding)
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write(line0, line1)

    fmt(0, len(rows))
    return out


class Writer:
    """kubectl's PrefixWriter: `write(level, text)` indents by two spaces per level."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._partial = ""

    def write(self, level: int, text: str) -> None:
        chunk = self._partial + "  " * level + text
        *done, self._partial = chunk.split("\n")
        self._lines.extend(done)

    def line(self, level: int, key: str, value: Any = None) -> None:
        """`key:\\tvalue` (or a bare `key:` heading when value is None)."""
        self.write(level, f"{key}:\n" if value is None else f"{key}:\t{value}\n")

    def text(self) -> str:
        lines = [*self._lines, self._partial] if self._partial else self._lines
        return "\n".join(tabwrite(lines)) + "\n"


def rfc1123z(value: Any) -> str:
    """Go's time.RFC1123Z, as describe prints timestamps: `Mon, 02 Jan 2006 15:04:05 +0000`."""
    when = parse_time(value)
    if when is None:
        return "<unset>" if not value else s(value)
    return datetime.fromtimestamp(when, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


def labels_multiline(w: Writer, title: str, labels: Any, level: int = 0) -> None:
    pairs = d(labels)
    if not pairs:
        w.line(level, title, "<none>")
        return
    for i, key in enumerate(sorted(pairs)):
        text = f"{key}={s(pairs[key])}"
        w.write(level, f"{title}:\t{text}\n" if i == 0 else f"\t{text}\n")


def annotations_multiline(w: Writer, title: str, annotations: Any, level: int = 0) -> None:
    pairs = {k: v for k, v in d(annotations).items() if k not in SKIPPED_ANNOTATIONS}
    if not pairs:
        w.line(level, title, "<none>")
        return
    for i, key in enumerate(sorted(pairs)):
        value = s(pairs[key])
        if len(value) > MAX_ANNOTATION:
            value = value[: MAX_ANNOTATION - 3] + "..."
        text = f"{key}: {value}"
        w.write(level, f"{title}:\t{text}\n" if i == 0 else f"\t{text}\n")


def toleration_text(t: Obj) -> str:
    text = s(t.get("key"))
    if s(t.get("value")):
        text += "=" + s(t["value"])
    if s(t.get("effect")):
        text += ":" + s(t["effect"])
    if t.get("operator") == "Exists" and not s(t.get("value")):
        text += " op=Exists" if (s(t.get("key")) or s(t.get("effect"))) else "op=Exists"
    if t.get("tolerationSeconds") is not None:
        text += f" for {n(t['tolerationSeconds'])}s"
    return text


def tolerations_multiline(w: Writer, title: str, tolerations: Any, level: int = 0) -> None:
    items = ds(tolerations)
    if not items:
        w.line(level, title, "<none>")
        return
    for i, t in enumerate(items):
        w.write(
            level, f"{title}:\t{toleration_text(t)}\n" if i == 0 else f"\t{toleration_text(t)}\n"
        )


def _age(value: Any, now: float) -> str:
    when = parse_time(value)
    return "<unknown>" if when is None else format_age(now - when)


def events_section(w: Writer, events: list[Obj], now: float) -> None:
    """kubectl's DescribeEvents: sorted by last time, `age (xN over first)` when repeated."""
    if not events:
        w.line(0, "Events", "<none>")
        return

    def last(e: Obj) -> float:
        series = d(e.get("series"))
        for value in (
            series.get("lastObservedTime"),
            e.get("lastTimestamp"),
            e.get("eventTime"),
            e.get("firstTimestamp"),
        ):
            when = parse_time(value)
            if when is not None:
                return when
        return 0.0

    w.line(0, "Events")
    w.write(1, "Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for e in sorted(events, key=last):
        first = _age(e.get("firstTimestamp") or e.get("eventTime"), now)
        series = d(e.get("series"))
        if series:
            seen = _age(series.get("lastObservedTime"), now)
            interval = f"{seen} (x{n(series.get('count'))} over {first})"
        elif n(e.get("count")) > 1:
            interval = f"{_age(e.get('lastTimestamp'), now)} (x{n(e.get('count'))} over {first})"
        else:
            interval = first
        source = s(d(e.get("source")).get("component")) or s(e.get("reportingController"))
        w.write(
            1,
            f"{s(e.get('type'))}\t{s(e.get('reason'))}\t{interval}\t{source}\t"
            f"{s(e.get('message')).strip()}\n",
        )


def controlled_by(w: Writer, meta: Obj) -> None:
    for ref in ds(meta.get("ownerReferences")):
        if ref.get("controller") is True:
            w.line(0, "Controlled By", f"{s(ref.get('kind'))}/{s(ref.get('name'))}")
            return
