"""Sessions: split terminal panes, key routing, broadcast, recording, stop, reattach,
incident export, and the flows that wait for and attach to debug containers."""
