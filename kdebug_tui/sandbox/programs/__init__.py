"""The demo's own "images": tiny stdlib-only programs run as distroless containers."""
