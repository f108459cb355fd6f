"""Resolving a path inside the target the way the target itself would.

Through /proc/<pid>/root the kernel follows an *absolute* symlink against the debugger's own
root, not the target's: /proc/1/root/var/run/x with var/run -> /run would land in the
debugger's /run. Images are full of such links (/var/run, /etc/localtime, current ->
/app/releases/7), so paths are resolved component by component first, with every link read
and re-rooted at the target's root, like a chroot would. One fixed POSIX-sh script does it
in a single exec; the root and the path are arguments.
"""

from __future__ import annotations

MAX_LINKS = 40
RESOLVE_NAME = "kdebug-resolve"
RESOLVE_SCRIPT = r"""
root=$1
rest=$2
resolved=
n=0
while [ -n "$rest" ]; do
  comp=${rest%%/*}
  if [ "$comp" = "$rest" ]; then rest=; else rest=${rest#*/}; fi
  case "$comp" in
    ''|.) continue ;;
    ..) resolved=${resolved%/*}; continue ;;
  esac
  cand="$resolved/$comp"
  if [ -L "$root$cand" ]; then
    n=$((n + 1))
    if [ "$n" -gt @MAX@ ]; then
      echo "$2: too many levels of symbolic links" >&2
      exit 40
    fi
    t=$(readlink "$root$cand") || exit 1
    case "$t" in
      /*) resolved= ; t=${t#/} ;;
    esac
    if [ -n "$rest" ]; then rest="$t/$rest"; else rest=$t; fi
  else
    resolved=$cand
  fi
done
printf '%s\n' "${resolved:-/}"
""".replace("@MAX@", str(MAX_LINKS))


def resolve_argv(root: str, path: str) -> list[str]:
    """argv printing `path` (inside the target) with every symlink resolved in the target."""
    return ["sh", "-c", RESOLVE_SCRIPT, RESOLVE_NAME, root, path]


def parse_resolved(output: bytes) -> str:
    text = output.decode("utf-8", "replace")
    return text[:-1] if text.endswith("\n") else text
