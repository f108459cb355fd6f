"""Headless package: never imports textual or rich.

The sandbox is a loopback Kubernetes API emulator whose containers are local processes.
"""

from kdebug_tui.sandbox.sandbox import Sandbox

__all__ = ["Sandbox"]
