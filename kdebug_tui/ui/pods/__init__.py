"""The pod list: its table, container list and the keys that act on a pod."""
