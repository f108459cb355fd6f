"""User settings: XDG location, defaults, validation with messages naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kdebug_tui.config import (
    DEFAULT_IMAGES,
    ConfigError,
    Settings,
    default_config_path,
    load_settings,
    parse_settings,
)


def test_xdg_path_and_fallback(tmp_path: Path) -> None:
    assert default_config_path({"XDG_CONFIG_HOME": str(tmp_path)}) == (
        tmp_path / "kdebug-tui" / "config.yaml"
    )
    # XDG says relative values are invalid and must be ignored.
    assert default_config_path({"XDG_CONFIG_HOME": "rel"}) == (
        Path.home() / ".config" / "kdebug-tui" / "config.yaml"
    )


def test_missing_default_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "nope.yaml")
    assert settings == Settings()
    assert settings.images == DEFAULT_IMAGES
    assert "busybox:1.36" in settings.images and "nicolaka/netshoot" in settings.images


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_settings(tmp_path / "nope.yaml", explicit=True)


def test_full_file(tmp_path: Path) -> None:
    file = tmp_path / "config.yaml"
    file.write_text(
        "images: [busybox:1.36, alpine:3.20, busybox:1.36]\n"
        "default_profile: sysadmin\n"
        "default_namespace: shop\n"
        "readonly: true\n"
        "refresh_rate: 30\n"
        "keymap:\n  pods.debug: ctrl+g\n  app.help: 'f1, question_mark'\n"
    )
    settings = load_settings(file)
    assert settings.images == ("busybox:1.36", "alpine:3.20")  # duplicates dropped
    assert settings.default_profile == "sysadmin"
    assert settings.default_namespace == "shop"
    assert settings.readonly is True
    assert settings.refresh_rate == 30.0
    assert settings.keymap == {"pods.debug": "ctrl+g", "app.help": "f1,question_mark"}
    assert settings.source == file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("readonly: ture\n", "readonly: expected true or false"),
        ("refresh_rate: 0\n", "refresh_rate: expected a number from 1 to 60"),
        ("default_profile: admin\n", "'admin' is not one of legacy, general"),
        ("imagez: [busybox]\n", "unknown setting 'imagez' (did you mean 'images'?)"),
        ("images: []\n", "images: expected a non-empty list"),
        ("images: ['busy box']\n", "images[0]"),
        ("default_namespace: Bad_NS\n", "not a namespace name"),
        ("keymap: {pods.debug: 'ctrl g x'}\n", "keymap.pods.debug: 'ctrl g x'"),
        ("keymap: {'Not An Id': x}\n", "not a binding id"),
        ("- a\n- b\n", "expected a mapping of settings, got a list"),
        ("images: [a\n", "not valid YAML (line 2"),
    ],
)
def test_invalid_settings_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings(text, source=Path("/etc/cfg.yaml"))
    assert str(info.value).startswith("/etc/cfg.yaml: ")
    assert message in str(info.value)


def test_empty_file_is_defaults() -> None:
    assert parse_settings("").images == DEFAULT_IMAGES
    assert parse_settings("# only a comment\n").readonly is False


def test_keymap_override_reaches_the_app_bindings(tmp_path: Path) -> None:
    """The keymap uses Textual binding ids; the app applies it on mount."""
    from kdebug_tui.ui.pods.screen import PodsScreen

    ids = {getattr(b, "id", None) for b in PodsScreen.BINDINGS}
    assert {"pods.debug", "pods.filter", "pods.delete", "pods.logs"} <= ids
