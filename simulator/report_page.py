"""What every self-contained HTML report of vcall shares: the page, its header and verdict."""

from __future__ import annotations

PAGE_CSS = """
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",
 "Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 28px;display:flex;align-items:center;gap:18px}
header h1{margin:0;font-size:20px}header .meta{opacity:.75;font-size:13px}
.verdict{margin-left:auto;padding:6px 14px;border-radius:4px;font-weight:700;font-size:15px}
.verdict.pass{background:#1b7f3b}.verdict.fail{background:#d32f2f}
"""
"""Fonts (Chinese included), the dark header with its title, meta line and pass/fail verdict."""
