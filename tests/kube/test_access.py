"""AccessChecker: SelfSubjectAccessReview over real HTTP, cached per context and attributes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kdebug_tui.kube.access import AccessChecker
from kdebug_tui.kube.session import KubeSession
from tests.kube.fake_api import FakeApi


@pytest.fixture
async def api() -> AsyncIterator[FakeApi]:
    async with FakeApi() as fake:
        yield fake


@pytest.fixture
async def session(api: FakeApi, tmp_path: Path) -> AsyncIterator[KubeSession]:
    async with await KubeSession.open(api.kubeconfig(tmp_path / "kc")) as s:
        yield s


async def test_can_sends_the_review_and_reads_the_answer(
    api: FakeApi, session: KubeSession
) -> None:
    api.allowed = {("patch", "pods", "ephemeralcontainers", "default")}
    access = AccessChecker(session)
    assert await access.can("patch", "pods", "default", subresource="ephemeralcontainers")
    assert not await access.can("delete", "pods", "default")
    assert api.reviews[0] == {
        "verb": "patch",
        "group": "",
        "resource": "pods",
        "subresource": "ephemeralcontainers",
        "namespace": "default",
    }


async def test_answers_are_cached_per_attributes(api: FakeApi, session: KubeSession) -> None:
    api.allowed = {("get", "pods", "attach", "default")}
    access = AccessChecker(session)
    for _ in range(3):
        assert await access.can("get", "pods/attach", "default")
    assert len(api.reviews) == 1
    assert not await access.can("get", "pods/attach", "other")  # another namespace: asked
    assert len(api.reviews) == 2


async def test_cache_expires(api: FakeApi, session: KubeSession) -> None:
    access = AccessChecker(session, ttl=0.0)
    await access.can("list", "pods", "default")
    await access.can("list", "pods", "default")
    assert len(api.reviews) == 2


async def test_concurrent_questions_share_one_review(api: FakeApi, session: KubeSession) -> None:
    api.allowed = {("list", "pods", "", "default")}
    access = AccessChecker(session)
    answers = await asyncio.gather(*(access.can("list", "pods", "default") for _ in range(5)))
    assert answers == [True] * 5
    assert len(api.reviews) == 1


async def test_failed_review_is_unknown_and_not_cached(api: FakeApi, session: KubeSession) -> None:
    access = AccessChecker(session)
    api.answer_401_for = {"tok-A"}
    assert await access.check("list", "pods", "default") is None
    assert await access.can("list", "pods", "default")  # unknown: let the server decide
    api.answer_401_for = set()
    assert await access.check("list", "pods", "default") is False


async def test_summary_lists_every_needed_verb(api: FakeApi, session: KubeSession) -> None:
    api.allowed = {
        ("list", "pods", "", "default"),
        ("watch", "pods", "", "default"),
        ("get", "pods", "log", "default"),
    }
    summary = await AccessChecker(session).summary("default")
    assert summary == {
        "list pods": True,
        "watch pods": True,
        "debug (ephemeral)": False,
        "create pods": False,
        "attach": False,
        "exec": False,
        "logs": True,
        "delete pods": False,
    }
    asked = {(r["verb"], r["resource"], r.get("subresource", "")) for r in api.reviews}
    assert ("patch", "pods", "ephemeralcontainers") in asked
    assert ("get", "pods", "attach") in asked  # websocket attach is authorised as get
