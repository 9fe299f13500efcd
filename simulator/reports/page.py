"""What every self-contained HTML report of vcall shares: the page, its header and verdict."""

from __future__ import annotations

CJK_SANS = (
    '"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Noto Sans SC",'
    '"Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei","Droid Sans Fallback"'
)
"""Chinese faces on macOS, Windows and Linux, so a report's Chinese never falls to boxes where a
browser's default face has no CJK glyphs (the fonts are named, never shipped or fetched)."""
SANS_STACK = f'system-ui,-apple-system,"Segoe UI",{CJK_SANS},sans-serif'
MONO_STACK = (
    f'ui-monospace,"SFMono-Regular",Menlo,Consolas,"Noto Sans Mono CJK SC",{CJK_SANS},monospace'
)
FONT_CSS = (
    f"body,svg text{{font-family:{SANS_STACK}}}"
    f"code,pre,.rule,.moves,.mono,.t{{font-family:{MONO_STACK}}}"
)
"""Appended last to every report's CSS: the same faces everywhere, monospace with a CJK fallback."""

PAGE_CSS = """
*{box-sizing:border-box}
body{font-size:14px;line-height:1.45;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 28px;display:flex;align-items:center;gap:18px}
header h1{margin:0;font-size:20px}header .meta{opacity:.75;font-size:13px}
.verdict{margin-left:auto;padding:6px 14px;border-radius:4px;font-weight:700;font-size:15px}
.verdict.pass{background:#1b7f3b}.verdict.fail{background:#d32f2f}
"""
"""Fonts (Chinese included), the dark header with its title, meta line and pass/fail verdict."""
