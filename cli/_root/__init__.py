"""vcall: a local call simulator and toolkit for Alibaba Cloud SmartCall callback endpoints."""

__version__ = "0.1.0"
