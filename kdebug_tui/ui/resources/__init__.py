"""Live lists of any kind (workloads, nodes, Services, events): one screen, per-kind views."""
