"""The file browser and transfers through a debug container."""
