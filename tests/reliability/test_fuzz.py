"""Property tests: the status-channel decoder and the custom-spec parser never raise anything
but their clear error types, whatever bytes or documents they are given."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kdebug_tui.kube.custom_spec import CustomSpecError, parse_custom_spec, validate_custom_spec
from kdebug_tui.kube.debug import DebugRequest, build
from kdebug_tui.kube.errors import KubeError
from kdebug_tui.kube.status_channel import StreamStatus, decode_status

PROTOCOLS = st.sampled_from(["v5.channel.k8s.io", "v4.channel.k8s.io", "channel.k8s.io", ""])
json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
# Status-shaped documents: the interesting keys with any values, so the decoder's branches run.
causes = st.lists(
    st.fixed_dictionaries(
        {},
        optional={
            "reason": st.sampled_from(["ExitCode", "Other"]) | json_values,
            "message": st.integers(-5, 300).map(str) | json_values,
        },
    )
    | json_values,
    max_size=3,
)
status_docs = st.fixed_dictionaries(
    {},
    optional={
        "status": st.sampled_from(["Success", "Failure", "Weird"]) | json_values,
        "reason": st.sampled_from(["NonZeroExitCode", "InternalError"]) | json_values,
        "message": json_values,
        "details": st.fixed_dictionaries({}, optional={"causes": causes | json_values})
        | json_values,
        "code": json_values,
    },
)
NON_ZERO, V5 = "NonZeroExitCode", "v5.channel.k8s.io"
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_status(result: StreamStatus) -> None:
    assert isinstance(result, StreamStatus)
    assert isinstance(result.message, str)
    if result.success:
        assert result.code == 0
    else:
        assert result.code is None or 1 <= result.code <= 255 or result.code == 0
        assert result.message  # a failure always says something
    assert not any(ch in result.message for ch in "\x1b\x07\x9b")  # no terminal controls


@PROPS
@given(st.binary(max_size=200), PROTOCOLS)
def test_decode_status_survives_any_bytes(payload: bytes, protocol: str) -> None:
    check_status(decode_status(payload, protocol=protocol))


@PROPS
@given(status_docs, st.sampled_from(["v5.channel.k8s.io", "v4.channel.k8s.io"]))
@example({"status": "Failure", "reason": NON_ZERO, "details": {"causes": True}}, V5)
@example({"status": "Failure", "reason": NON_ZERO, "details": {"causes": "x"}}, V5)
@example({"status": "Failure", "message": {"a": 1}}, V5)
def test_decode_status_of_status_shaped_documents(doc: dict[str, Any], protocol: str) -> None:
    result = decode_status(json.dumps(doc).encode(), protocol=protocol)
    check_status(result)
    if doc.get("status") == "Success":
        assert result.success
    elif result.success:
        raise AssertionError(f"{doc} decoded as success")


def test_decode_status_matches_client_go_on_exit_codes() -> None:
    def failure(message: str) -> bytes:
        return json.dumps(
            {"status": "Failure", "reason": "NonZeroExitCode",
             "details": {"causes": [{"reason": "ExitCode", "message": message}]}}
        ).encode()  # fmt: skip

    assert decode_status(failure("42")).code == 42
    assert decode_status(failure("0")).code == 0  # client-go passes 0 through as an exit
    assert decode_status(failure("256")).code is None  # not a uint8: a protocol error
    assert decode_status(failure("-1")).code is None


yaml_like = st.text(
    alphabet=st.sampled_from(list("abcdeimnoprstuvyAKSX:-[]{}&*!|>#'\"., \n\t0123456789")),
    max_size=120,
)


def check_spec(call: Any) -> None:
    try:
        call()
    except (CustomSpecError, KubeError) as exc:
        assert str(exc)  # a clear message, never empty
        problems = getattr(exc, "problems", [str(exc)])
        assert all(isinstance(p, str) and p for p in problems)


@PROPS
@given(yaml_like)
def test_custom_spec_text_never_raises_anything_else(text: str) -> None:
    check_spec(lambda: parse_custom_spec(text))
    for ephemeral in (True, False):
        check_spec(lambda e=ephemeral: validate_custom_spec(text, ephemeral=e))


CONTAINER_KEYS = st.sampled_from(
    ["env", "volumeMounts", "ports", "securityContext", "resources", "args", "workingDir",
     "stdin", "tty", "lifecycle", "command", "image", "name", "unknownField", "livenessProbe"]
)  # fmt: skip


# Values of the wrong shape are the likely mistakes: a number where a list goes, and so on.
wrong_shapes = (
    st.integers() | st.text(max_size=5) | st.lists(json_scalars, max_size=3)
    | st.lists(st.dictionaries(st.sampled_from(["name", "mountPath", "subPath", "value",
                                                "containerPort"]), json_values, max_size=3),
               max_size=3)
    | json_values
)  # fmt: skip


@PROPS
@given(st.dictionaries(CONTAINER_KEYS, wrong_shapes, max_size=4), st.booleans())
@example({"volumeMounts": 5}, True)
@example({"volumeMounts": [{"subPath": "x"}, 3]}, True)
@example({"env": "x", "ports": 7}, False)
def test_custom_spec_documents_never_raise_anything_else(
    doc: dict[str, Any], ephemeral: bool
) -> None:
    check_spec(lambda: validate_custom_spec(json.dumps(doc), ephemeral=ephemeral))
    pod = {
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"containers": [{"name": "app", "image": "busybox"}]},
    }
    request = DebugRequest(
        mode="ephemeral" if ephemeral else "copy",
        namespace="default",
        pod_name="p",
        image="busybox",
        custom=doc,
    )
    check_spec(lambda: build(request, pod))
