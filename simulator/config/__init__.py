"""Project configuration: ``vcall.toml`` / ``[tool.vcall]`` and ``VCALL_*`` variables."""

from vcall.simulator.config.settings import (
    COMMANDS,
    CONFIG_ENV,
    SHARED_KEYS,
    Setting,
    Settings,
    SharedKey,
    configured_target,
    load_settings,
    normal_key,
)

__all__ = [
    "COMMANDS",
    "CONFIG_ENV",
    "SHARED_KEYS",
    "Setting",
    "Settings",
    "SharedKey",
    "configured_target",
    "load_settings",
    "normal_key",
]
