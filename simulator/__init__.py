"""The vcall library: spec, validator, platform model and engine. No terminal code here."""

__version__ = "0.1.0"

__all__ = ["__version__"]
