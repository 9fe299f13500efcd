"""The documentation holds together: every relative link between the Markdown files resolves
(file and ``#anchor``), every docs page opens with a title, an intro paragraph and a contents
list, the index lists every page, and nothing vcall ships cites a file users do not have.

``docs/_pending/`` holds text other branches drop for the integrator to fold in: it is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PENDING = DOCS / "_pending"
FENCE = re.compile(r"^```.*?^```", flags=re.S | re.M)
LINK = re.compile(r"(?<!!)\[([^\]\n]*)\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *$", flags=re.M)
HTML_ANCHOR = re.compile(r"<a (?:id|name)=\"([^\"]+)\"")


def markdown_files() -> list[Path]:
    """README.md, ARCHITECTURE.md and every page under docs/ but docs/_pending/."""
    pages = sorted(path for path in DOCS.rglob("*.md") if PENDING not in path.parents)
    return [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *pages]


def docs_pages() -> list[Path]:
    return [path for path in markdown_files() if path.parent == DOCS and path.name != "README.md"]


def prose(text: str) -> str:
    """The text outside fenced code blocks and inline code spans."""
    text = FENCE.sub("", text)
    return re.sub(r"`[^`\n]*`", "``", text)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).lower()
    kept = (
        char
        for char in text
        if char in " -_" or unicodedata.category(char)[0] in "LNM"  # letters, numbers, marks
    )
    return "".join(kept).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    found: set[str] = set(HTML_ANCHOR.findall(text))
    seen: dict[str, int] = {}
    for heading in HEADING.findall(FENCE.sub("", text)):
        base = slug(heading)
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    broken = []
    for label, target in LINK.findall(prose(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto:: not checked here
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        where = f"{path.relative_to(root)}: [{label}]({target})"
        if not linked.exists():
            broken.append(f"{where}: no file {file_part}")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{where}: no heading #{anchor} in {linked.relative_to(root)}")
    return broken


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: path.name)
def test_every_relative_link_and_anchor_resolves(path: Path) -> None:
    assert not broken_links(path)


def test_the_link_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# A page\n\n## Two words\n\n[ok](#two-words) [bad](#three-words) [gone](nowhere.md)\n"
        "`[code](nowhere.md)`\n",
        encoding="utf-8",
    )
    other = tmp_path / "other.md"
    other.write_text("[there](page.md#two-words) [not](page.md#a-pag)\n", encoding="utf-8")
    assert broken_links(page, tmp_path) == [
        "page.md: [bad](#three-words): no heading #three-words in page.md",
        "page.md: [gone](nowhere.md): no file nowhere.md",
    ]
    assert broken_links(other, tmp_path) == [
        "other.md: [not](page.md#a-pag): no heading #a-pag in page.md"
    ]


def test_slugs_follow_githubs_rule() -> None:
    assert slug("No fixtures yet: `vcall check` and `vcall explore`") == (
        "no-fixtures-yet-vcall-check-and-vcall-explore"
    )
    assert (
        slug("Shadow traffic: `vcall tap --shadow URL`") == "shadow-traffic-vcall-tap---shadow-url"
    )
    assert slug("§3 The response") == "3-the-response"
    assert slug("An in-process app's own output") == "an-in-process-apps-own-output"


@pytest.mark.parametrize("path", docs_pages(), ids=lambda path: path.name)
def test_each_page_opens_with_a_title_an_intro_and_its_contents(path: Path) -> None:
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    assert blocks[0].startswith("# ") and "\n" not in blocks[0], blocks[0]
    assert blocks[1][0].isalpha() or blocks[1][0] in "`*", blocks[1]  # a paragraph of prose
    contents = blocks[2].splitlines()
    assert contents and all(line.startswith("- [") for line in contents), blocks[2]
    own = anchors(path)
    for line in contents:
        target = LINK.search(line)
        assert target is not None and target.group(2).lstrip("#") in own, line


def test_the_index_and_the_readme_link_every_page() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for page in docs_pages():
        assert f"]({page.name}" in index, page.name
        assert f"](docs/{page.name}" in readme, page.name


# --- citations a user can open -------------------------------------------------------------------

UNOPENABLE = re.compile(r"SPEC-NOTES|shared/seeds|\b\d{3}_[0-9a-f]{16}\b|\bseeds? 00\d")
"""The maintainers' notes and their stored copies of the vendor pages, which do not ship."""
PLATFORM_CITATION = re.compile(r"platform\.md (§\d+(?:\.\d+)?(?:(?:, | and )§\d+(?:\.\d+)?)*)")
SHIPPED_SUFFIXES = {
    ".py",
    ".yaml",
    ".yml",
    ".json",
    ".md",
    ".txt",
    ".toml",
    ".csv",
    ".html",
    ".css",
}


def shipped_files() -> list[Path]:
    """The package's sources and data (``simulator/``, ``cli/``, ``fixtures/``) and the docs."""
    found = [
        path
        for folder in ("simulator", "cli", "fixtures")
        for path in sorted((ROOT / folder).rglob("*"))
        if path.suffix in SHIPPED_SUFFIXES and "__pycache__" not in path.parts
    ]
    return [*found, *markdown_files()]


def unopenable_citations(paths: list[Path], root: Path = ROOT) -> list[str]:
    return [
        f"{path.relative_to(root)}:{number}: {match.group(0)}"
        for path in paths
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (match := UNOPENABLE.search(line))
    ]


def test_nothing_shipped_cites_a_file_users_do_not_have() -> None:
    assert len(shipped_files()) > 200
    assert not unopenable_citations(shipped_files())


def test_the_citation_check_can_fail(tmp_path: Path) -> None:
    page = tmp_path / "spec.py"
    page.write_text(
        'a = "see SPEC-NOTES §2"\nb = "001_e406b395c8902673.txt"\nc = "seed 002"\nd = "--seed 1"\n',
        encoding="utf-8",
    )
    assert unopenable_citations([page], tmp_path) == [
        "spec.py:1: SPEC-NOTES",
        "spec.py:2: 001_e406b395c8902673",
        "spec.py:3: seed 002",
    ]


def platform_sections() -> set[str]:
    text = (DOCS / "platform.md").read_text(encoding="utf-8")
    return set(re.findall(r"^## §(\d+) ", text, flags=re.M))


def test_every_platform_section_cited_exists_and_has_its_anchor() -> None:
    sections = platform_sections()
    assert sections == {str(number) for number in range(1, 9)}
    own = anchors(DOCS / "platform.md")
    assert {f"s{number}" for number in sections} | {"sources"} <= own
    cited: dict[str, set[str]] = {}
    for path in shipped_files():
        for group in PLATFORM_CITATION.findall(path.read_text(encoding="utf-8")):
            for number in re.findall(r"§(\d+)", group):
                cited.setdefault(number, set()).add(str(path.relative_to(ROOT)))
    assert len(cited) >= 6, cited  # the code cites most sections
    missing = {number: files for number, files in cited.items() if number not in sections}
    assert not missing


def test_the_rule_table_is_the_one_the_code_generates() -> None:
    from vcall.simulator.validation import rules_markdown

    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    table = text.split("<!-- rules:start -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == rules_markdown()
