"""`kubectl kdebug ...`: kubectl debug's flags (kubectl 1.32), parsed without Textual.

The names, defaults and value syntax are kubectl's (pflag): `--flag=value` or `--flag value`,
booleans as `-i`, `--stdin`, `--stdin=false`, combined shorthands (`-it`), `--set-image`
as a comma-separated list that may repeat, `--env` repeated (never split on commas), and
everything after `--` as the command. Two deliberate differences, both documented:
without -i/-t both are on (the point of the plugin is a shell), and `--attach` is accepted
but the app always attaches when there is a terminal.

The result is a `PluginPrefill` (a DebugPrefill with every flag) inside LaunchOptions; the
app turns it into a DebugRequest with `to_request` once it knows the context's namespace.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kdebug_tui.ui.debug.prefill import DebugPrefill
from kdebug_tui.ui.launch.options import LaunchOptions, _common, _Parser, _UsageError

PROG = "kubectl kdebug"
KUBECTL_DEFAULT_PROFILE = "legacy"  # kubectl 1.32's --profile default
BOOL_FLAGS = {
    "arguments-only": False,
    "attach": False,
    "keep-annotations": False,
    "keep-init-containers": True,
    "keep-labels": False,
    "keep-liveness": False,
    "keep-readiness": False,
    "keep-startup": False,
    "quiet": False,
    "replace": False,
    "same-node": False,
    "share-processes": True,
    "stdin": False,
    "tty": False,
    "readonly": False,
    "demo": False,
    "stay": False,  # ours: stay in the app when the shell exits (kubectl debug returns)
}
SHORT_BOOLS = {"i": "stdin", "t": "tty", "q": "quiet"}
TRUE_WORDS = {"true", "t", "1", "yes"}
FALSE_WORDS = {"false", "f", "0", "no"}
USAGE = (
    "kubectl kdebug (POD | node/NAME) [-n NS] [--context C] [--kubeconfig K] --image IMAGE "
    "[--target C] [--profile P] [-c NAME] [-i] [-t] [--env K=V] [--image-pull-policy P] "
    "[--custom FILE] [--copy-to NAME --share-processes --same-node --replace "
    "--set-image a=b,...] [--demo] [-- COMMAND [args...]]"
)


@dataclass(frozen=True)
class PluginPrefill(DebugPrefill):
    """Every kubectl debug flag; the base class's fields are what the debug form reads."""

    image_pull_policy: str | None = None
    same_node: bool = False
    keep_labels: bool = False
    keep_annotations: bool = False
    keep_liveness: bool = False
    keep_readiness: bool = False
    keep_startup: bool = False
    keep_init_containers: bool = True
    arguments_only: bool = False
    custom_path: str | None = None
    custom_text: str | None = None
    quiet: bool = False
    attach: bool = False
    stay: bool = False  # -it: keep the app open after the shell exits

    def set_image_map(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.set_image)
        return {name: image for name, image in pairs}

    def env_pairs(self) -> list[tuple[str, str]]:
        return [(item.split("=", 1)[0], item.split("=", 1)[1]) for item in self.env]

    def to_request(self, namespace: str, *, session_id: str | None = None) -> Any:
        """The DebugRequest kubectl debug would make of these flags (validated by build())."""
        from kdebug_tui.kube.custom_spec import CustomSpecError, parse_custom_spec
        from kdebug_tui.kube.debug import CopyOptions, DebugRequest, EnvVar, InvalidDebugRequest

        custom = None
        if self.custom_text is not None:
            try:
                custom = parse_custom_spec(self.custom_text) or None
            except CustomSpecError as exc:
                where = self.custom_path or "--custom"
                raise InvalidDebugRequest(f"{where}: " + "; ".join(exc.problems)) from None
        extra: dict[str, Any] = {} if session_id is None else {"session_id": session_id}
        return DebugRequest(
            mode=self.mode,  # type: ignore[arg-type]
            namespace=self.namespace or namespace,
            pod_name=self.pod,
            node_name=self.node,
            image=self.image,
            image_pull_policy=self.image_pull_policy,
            container_name=self.container,
            target=self.target,
            command=self.command,
            arguments_only=self.arguments_only,
            stdin=self.stdin,
            tty=self.tty,
            env=[EnvVar(k, v) for k, v in self.env_pairs()],
            profile=self.profile or KUBECTL_DEFAULT_PROFILE,
            custom=custom,
            copy_options=CopyOptions(
                copy_to=self.copy_to,
                set_image=self.set_image_map(),
                share_processes=self.share_processes,
                same_node=self.same_node,
                replace=self.replace,
                keep_labels=self.keep_labels,
                keep_annotations=self.keep_annotations,
                keep_liveness=self.keep_liveness,
                keep_readiness=self.keep_readiness,
                keep_startup=self.keep_startup,
                keep_init_containers=self.keep_init_containers,
            ),
            **extra,
        )


def _parser() -> _Parser:
    parser = _Parser(prog=PROG, usage=USAGE, description=(
        "kubectl debug, interactive: the same flags, then kdebug-tui opens straight into "
        "the debug container's shell (pre-flight checks first; privileged choices ask)."
    ))  # fmt: skip
    parser.add_argument("target_object", metavar="POD | node/NAME")
    _common(parser)  # --kubeconfig, --context, --config as the app has them
    parser.add_argument("-n", "--namespace", help="the pod's namespace")
    parser.add_argument("--image", help="container image to use for the debug container")
    parser.add_argument("--image-pull-policy", choices=("Always", "IfNotPresent", "Never"))
    parser.add_argument(
        "--target", dest="target_container", help="target processes of this container"
    )
    parser.add_argument("-c", "--container", help="name of the debug container")
    parser.add_argument(
        "--profile",
        choices=("legacy", "general", "baseline", "netadmin", "restricted", "sysadmin"),
        help="debugging profile (kubectl's default: legacy)",
    )
    parser.add_argument("--custom", help="JSON or YAML file with a partial container spec")
    parser.add_argument("--copy-to", help="create a copy of the pod with this name")
    parser.add_argument("--set-image", action="append", default=[], help="name=image,... (copy)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE (may repeat)")
    parser.add_argument("-f", "--filename", action="append", default=[], help=argparse.SUPPRESS)
    for flag, default in BOOL_FLAGS.items():
        shown = f" (kubectl's default: {str(default).lower()})"
        dest = flag.replace("-", "_")
        names = [f"--{flag}"]
        names += [f"-{s}" for s, long in SHORT_BOOLS.items() if long == flag]
        parser.add_argument(
            *names, dest=dest, action="store_const", const=True, default=None, help=shown
        )
        parser.add_argument(f"--no-{flag}", dest=dest, action="store_const", const=False)
    return parser


def _normalise_bools(args: list[str]) -> list[str]:
    """pflag's `--flag=false` / `-i=false` become argparse's `--no-flag` / `--flag`."""
    out: list[str] = []
    for arg in args:
        name, eq, value = arg.partition("=")
        long = name[2:] if name.startswith("--") else SHORT_BOOLS.get(name[1:], "")
        if eq and name.startswith("-") and long in BOOL_FLAGS:
            word = value.lower()
            if word not in TRUE_WORDS | FALSE_WORDS:
                raise _UsageError(
                    f"{PROG}: invalid argument {value!r} for {name}: want true or false"
                )
            out.append(f"--{long}" if word in TRUE_WORDS else f"--no-{long}")
        else:
            out.append(arg)
    return out


def _split_target(obj: str) -> tuple[str | None, str | None]:
    """(pod, node) from `POD`, `pod/POD`, `pods/POD` or `node/NAME` (kubectl's forms)."""
    kind, slash, name = obj.partition("/")
    if not slash:
        return obj, None
    if kind in ("node", "nodes"):
        if not name:
            raise _UsageError(f"{PROG}: node/NAME needs a node name")
        return None, name
    if kind in ("pod", "pods", "po"):
        if not name:
            raise _UsageError(f"{PROG}: pod/NAME needs a pod name")
        return name, None
    raise _UsageError(f"{PROG}: cannot debug {obj!r}: give a pod name or node/NAME")


def _read_custom(path: str) -> str:
    try:
        return Path(os.path.expanduser(path)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise _UsageError(f"{PROG}: --custom {path}: {reason}") from None


def parse_plugin_args(argv: Sequence[str]) -> LaunchOptions:
    """kubectl debug's command line -> LaunchOptions carrying a PluginPrefill."""
    args_list = list(argv)
    command: list[str] = []
    if "--" in args_list:
        cut = args_list.index("--")
        args_list, command = args_list[:cut], args_list[cut + 1 :]
    args = _parser().parse_args(_normalise_bools(args_list))
    if args.filename:
        raise _UsageError(f"{PROG}: -f/--filename is not supported: give a pod name or node/NAME")
    pod, node = _split_target(args.target_object)
    set_image: list[str] = []
    for item in args.set_image:
        for pair in filter(None, (p.strip() for p in item.split(","))):
            if "=" not in pair or not pair.split("=", 1)[1]:
                raise _UsageError(f"{PROG}: --set-image {pair!r}: expected NAME=IMAGE")
            set_image.append(pair)
    for item in args.env:
        if "=" not in item or not item.split("=", 1)[0]:
            raise _UsageError(f"{PROG}: --env {item!r}: expected NAME=VALUE")
    if args.stdin is None and args.tty is None:
        stdin = tty = True  # no -i/-t at all: interactive (the plugin's point)
    else:
        stdin, tty = bool(args.stdin), bool(args.tty)
    custom_text = _read_custom(args.custom) if args.custom else None

    def flag(name: str) -> bool:
        value = getattr(args, name)
        return BOOL_FLAGS[name.replace("_", "-")] if value is None else bool(value)

    prefill = PluginPrefill(
        pod=pod,
        node=node,
        namespace=args.namespace,
        image=args.image,
        target=args.target_container,
        container=args.container,
        profile=args.profile or KUBECTL_DEFAULT_PROFILE,
        copy_to=args.copy_to,
        share_processes=args.share_processes,  # None: not given (kubectl's default true)
        set_image=tuple(set_image),
        replace=flag("replace"),
        stdin=stdin,
        tty=tty,
        command=tuple(command),
        env=tuple(args.env),
        image_pull_policy=args.image_pull_policy,
        same_node=flag("same_node"),
        keep_labels=flag("keep_labels"),
        keep_annotations=flag("keep_annotations"),
        keep_liveness=flag("keep_liveness"),
        keep_readiness=flag("keep_readiness"),
        keep_startup=flag("keep_startup"),
        keep_init_containers=flag("keep_init_containers"),
        arguments_only=flag("arguments_only"),
        custom_path=args.custom,
        custom_text=custom_text,
        quiet=flag("quiet"),
        attach=flag("attach"),
        stay=flag("stay"),
    )
    return LaunchOptions(
        demo=flag("demo"),
        kubeconfig=args.kubeconfig,
        context=args.context,
        namespace=args.namespace,
        readonly=flag("readonly"),
        config=args.config,
        prefill=prefill,
    )
