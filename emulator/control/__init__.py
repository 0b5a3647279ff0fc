"""The control API under /_emulator: inspect and drive a tenant from any language."""
