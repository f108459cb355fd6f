"""The form's extras are remembered choices, off (kubectl's behaviour) until chosen."""

from __future__ import annotations

from pathlib import Path

from kdebug_tui.debug_choices import DebugChoices, choices_path, load_choices, save_choices


def test_nothing_remembered_means_kubectls_behaviour(tmp_path: Path) -> None:
    assert load_choices(tmp_path / "none.yaml") == DebugChoices()
    assert not any(vars(DebugChoices()).values())


def test_a_choice_is_remembered_and_a_broken_file_switches_nothing_on(tmp_path: Path) -> None:
    file = tmp_path / "kdebug-tui" / "debug-choices.yaml"
    save_choices(DebugChoices(stoppable=True, share_env=True), file)
    assert load_choices(file) == DebugChoices(stoppable=True, share_env=True)
    file.write_text("stoppable: yes-please\nshare_env: [1]\nunknown: true\n")
    assert load_choices(file) == DebugChoices()
    file.write_text("{not yaml")
    assert load_choices(file) == DebugChoices()


def test_the_file_sits_next_to_the_config(tmp_path: Path) -> None:
    path = choices_path({"XDG_CONFIG_HOME": str(tmp_path)})
    assert path == tmp_path / "kdebug-tui" / "debug-choices.yaml"
