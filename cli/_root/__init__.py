"""vcall: a local call simulator and toolkit for Alibaba Cloud SmartCall callback endpoints."""

from vcall.simulator import __version__

__all__ = ["__version__"]
