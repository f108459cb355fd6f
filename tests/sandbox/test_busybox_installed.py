"""The busybox image needs the machine's busybox; its absence fails loudly instead of letting
the busybox tests pass against procps and GNU coreutils."""

from __future__ import annotations

from kdebug_tui.sandbox.busybox import INSTALL_HINT, applet_dir, busybox_binary
from kdebug_tui.sandbox.images import resolve


def test_busybox_is_installed_and_serves_the_busybox_image() -> None:
    assert busybox_binary() is not None, INSTALL_HINT
    applets = applet_dir()
    assert applets is not None, INSTALL_HINT
    assert resolve("busybox:1.36").busybox and resolve("alpine:3.20").busybox
    assert not resolve("nicolaka/netshoot").busybox
