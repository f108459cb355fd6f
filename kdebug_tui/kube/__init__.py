"""The Kubernetes layer. Headless package: never imports textual or rich.

- session.py / clients.py / kubeconfig.py / credentials.py: contexts and API clients
- errors.py: KubeError, the one user-facing failure type
- watch.py / store.py: list-then-watch of pods into a uid-keyed store
- render.py / triage.py / podfields.py: pure, kubectl-compatible rows
- access.py: SelfSubjectAccessReview with a cache
- debug.py, profiles.py, preflight.py, inject.py, attach.py, logs.py: debugging itself
- beyond kubectl (CONTRACTS.md 2b): identity.py + proctable.py (run as the target's user),
  debug_options.py (shared mounts/env, stop wrapper), stopping.py, files.py (a target's
  files through a debugger), preflight_triage.py, incident_data.py
"""
