"""The UI's one door to the cluster: session, pod store, access checks, pod watch."""
