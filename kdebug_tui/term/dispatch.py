"""CSI and ESC final bytes -> screen operations, with parameters validated and clamped.

Counts are clamped to the screen size before pyte sees them (pyte loops per count), and only a
fixed set of queries is ever answered (see :func:`_da`, :func:`_dsr`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from .sanitize import SINGLE_WIDTH_CLASS
from .screen import TermScreen


class Parser(Protocol):
    """What the actions need from the parser (a protocol, so this module never imports the
    parser that imports it: dependencies run parser -> dispatch -> screen)."""

    screen: TermScreen
    answer_queries: bool

    def _plain(self, block: str) -> None: ...


_PLAIN_CHAR = re.compile(rf"[\x20-\x7e{SINGLE_WIDTH_CLASS}]")
_PARAM_CACHE: dict[str, tuple[int, ...]] = {}


def parse_params(body: str) -> tuple[int, ...]:
    """``"1;;25"`` -> ``(1, 0, 25)``; sub-parameters after ``:`` are ignored; capped at 9999."""
    hit = _PARAM_CACHE.get(body)
    if hit is not None:
        return hit
    out = []
    for part in body.split(";")[:32]:
        head = part.split(":", 1)[0]
        out.append(min(int(head), 9999) if head.isdigit() else 0)
    result = tuple(out)
    if len(_PARAM_CACHE) < 4096:
        _PARAM_CACHE[body] = result
    return result


def first_param(params: tuple[int, ...], default: int) -> int:
    return params[0] if params else default


def _count(params: tuple[int, ...], limit: int) -> int:
    """A count parameter: missing or 0 means 1, and never more than the screen can show."""
    return min(max(params[0] if params else 1, 1), limit)


def _rows(p: Parser) -> int:
    return p.screen.lines


def _cols(p: Parser) -> int:
    return p.screen.columns


def _da(p: Parser, params: tuple[int, ...]) -> None:
    if first_param(params, 0) == 0 and p.answer_queries:
        p.screen.report_device_attributes(0)


def _dsr(p: Parser, params: tuple[int, ...]) -> None:
    if p.answer_queries:
        p.screen.report_device_status(first_param(params, 0))


def _tabs(p: Parser, params: tuple[int, ...]) -> None:
    """CHT: n tab stops forward in one step (pyte's ``tab`` sorts the stops every call)."""
    c = p.screen.cursor
    n = _count(params, _cols(p))
    stops = sorted(t for t in p.screen.tabstops if t > c.x)
    c.x = stops[n - 1] if n <= len(stops) else p.screen.columns - 1


def _back_tabs(p: Parser, params: tuple[int, ...]) -> None:
    c = p.screen.cursor
    n = _count(params, _cols(p))
    stops = sorted((t for t in p.screen.tabstops if t < c.x), reverse=True)
    c.x = stops[n - 1] if n <= len(stops) else 0


def _rep(p: Parser, params: tuple[int, ...]) -> None:
    """REP: repeat the last graphic character, at most one row's worth (a cost bound)."""
    ch = p.screen.last_char
    if not ch:
        return
    if _PLAIN_CHAR.fullmatch(ch):
        p._plain(ch * _count(params, _cols(p)))
    else:  # wide or combining: the per-character path, so keep it short
        p.screen.draw(ch * _count(params, 16))


def _save_or_margins(p: Parser, params: tuple[int, ...]) -> None:
    if not params:
        p.screen.save_cursor()


def _margins(p: Parser, params: tuple[int, ...]) -> None:
    p.screen.set_margins(*params[:2])


def _su(p: Parser, params: tuple[int, ...]) -> None:
    p.screen.scroll_up(_count(params, _rows(p)))


def _sd(p: Parser, params: tuple[int, ...]) -> None:
    if len(params) <= 1:  # with more parameters it is xterm's mouse highlight tracking
        p.screen.scroll_down(_count(params, _rows(p)))


CSI_ACTIONS: dict[str, Callable[[Parser, tuple[int, ...]], None]] = {
    "@": lambda p, a: p.screen.insert_characters(_count(a, _cols(p))),
    "A": lambda p, a: p.screen.cursor_up(_count(a, _rows(p))),
    "B": lambda p, a: p.screen.cursor_down(_count(a, _rows(p))),
    "C": lambda p, a: p.screen.cursor_forward(_count(a, _cols(p))),
    "D": lambda p, a: p.screen.cursor_back(_count(a, _cols(p))),
    "E": lambda p, a: p.screen.cursor_down1(_count(a, _rows(p))),
    "F": lambda p, a: p.screen.cursor_up1(_count(a, _rows(p))),
    "G": lambda p, a: p.screen.cursor_to_column(first_param(a, 1)),
    "`": lambda p, a: p.screen.cursor_to_column(first_param(a, 1)),
    "H": lambda p, a: p.screen.cursor_position(*a[:2]),
    "f": lambda p, a: p.screen.cursor_position(*a[:2]),
    "I": _tabs,
    "J": lambda p, a: p.screen.erase_in_display(first_param(a, 0)),
    "K": lambda p, a: p.screen.erase_in_line(first_param(a, 0)),
    "L": lambda p, a: p.screen.insert_lines(_count(a, _rows(p))),
    "M": lambda p, a: p.screen.delete_lines(_count(a, _rows(p))),
    "P": lambda p, a: p.screen.delete_characters(_count(a, _cols(p))),
    "S": _su,
    "T": _sd,
    "X": lambda p, a: p.screen.erase_characters(_count(a, _cols(p))),
    "Z": _back_tabs,
    "a": lambda p, a: p.screen.cursor_forward(_count(a, _cols(p))),
    "b": _rep,
    "c": _da,
    "d": lambda p, a: p.screen.cursor_to_line(first_param(a, 1)),
    "e": lambda p, a: p.screen.cursor_down(_count(a, _rows(p))),
    "g": lambda p, a: p.screen.clear_tab_stop(first_param(a, 0)),
    "h": lambda p, a: p.screen.set_ansi_modes(a, True),
    "l": lambda p, a: p.screen.set_ansi_modes(a, False),
    "n": _dsr,
    "r": _margins,
    "s": _save_or_margins,
    "u": lambda p, a: p.screen.restore_cursor() if not a else None,
}

ESC_ACTIONS: dict[str, Callable[[TermScreen], None]] = {
    "7": TermScreen.save_cursor,
    "8": TermScreen.restore_cursor,
    "D": TermScreen.index,
    "E": TermScreen.next_line,
    "M": TermScreen.reverse_index,
    "H": TermScreen.set_tab_stop,
    "c": TermScreen.reset,
    "=": lambda s: setattr(s, "app_keypad", True),
    ">": lambda s: setattr(s, "app_keypad", False),
}
