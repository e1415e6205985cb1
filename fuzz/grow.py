#!/usr/bin/env python3
"""Checks that one document's cost grows linearly with what it holds.

    python3 fuzz/grow.py [--n N] [PATTERN ...]

For each pattern, builds a project whose one document (or N documents) holds N and then
2N of something: headings of one title, audience blocks, TODO lines, links to missing
files or documents, tags, key results, check-ins, footnotes, reference links, table
rows, nesting, initiatives driving one key result, dependency chains, unknown keys,
unclosed brackets, links and comments (in a body, and Markdown links in a title), audience markers,
audience blocks one after another or nested, with headings and links in them, emphasis and backtick runs, raw
HTML tags, list items, long lines and titles, one initiative depending on N others, N
pages linking to one, links to N key results or headings, wide tables, an imported
changelog of N versions or entries, N imported decision records, a document and a site
of N audiences each, N sites, N releases of one version, a chain of N parents, N schedule
slips, N changes in one release, N linked images and files, one file linked N times, N
static files, one id on N documents, a decision related to N pages that link back. It prints both build times, their ratio and align's exit status; a
ratio near 4 is a quadratic step (linear is near 2), and a build over 120 s is reported
as a timeout. The exit status is 1 when a ratio passes 3 or a build times out.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALIGN = os.path.join(ROOT, "target/release/align")
CONFIG = """title = "T"
default_audience = ["team"]
[sites.team]
title = "Team"
audiences = ["team"]
[sites.pub]
title = "P"
audiences = ["public"]
public = true
"""
FRONT = '+++\ntitle = "P"\naudience = ["team", "public"]\n+++\n'
OBJECTIVE = '+++\nid = "O"\ntitle = "O"\nperiod = "2026-Q4"\n'
KR = '[[key_results]]\nid = "k{i}"\ntitle = "K"\nbaseline = 0\ntarget = 1\n'


def page(text):
    return {"pages/p.md": FRONT + text}


PATTERNS = {
    "headings": lambda n: page("## Notes\n\n" * n),
    "blocks": lambda n: page("".join(f"<!-- audience: team -->\nsecret {i}\n<!-- /audience -->\n\n" for i in range(n))),
    "todo": lambda n: page("".join(f"TODO item {i}\n\n" for i in range(n))),
    "missing-files": lambda n: page("".join(f"![x](img{i}.png)\n" for i in range(n))),
    "broken-links": lambda n: page("".join(f"[[nope-{i}]]\n" for i in range(n))),
    "footnotes": lambda n: page("".join(f"x[^{i}]\n" for i in range(n)) + "\n" + "".join(f"[^{i}]: note\n" for i in range(n))),
    "reflinks": lambda n: page("".join(f"[a{i}]\n" for i in range(n)) + "\n" + "".join(f"[a{i}]: https://e.com/{i}\n" for i in range(n))),
    "table-rows": lambda n: page("| a | b |\n|---|---|\n" + "".join(f"| {i} | x |\n" for i in range(n))),
    "nesting": lambda n: page("> " * n + "x\n"),
    "brackets": lambda n: page("[" * n + "\n"),
    "open-links": lambda n: page("[[" * n + "\n"),
    "open-targets": lambda n: page("[a](" * n + "\n"),
    "same-line-links": lambda n: page("[[p]] " * n + "\n"),
    "anchor-links": lambda n: page("".join(f"## H{i}\n\n[[p#h{i}]]\n\n" for i in range(n))),
    "kr-links": lambda n: {"objectives/o.md": OBJECTIVE + "".join(KR.format(i=i) for i in range(n)) + "+++\nBody\n",
                           "pages/p.md": FRONT + "".join(f"[[O#k{i}]]\n" for i in range(n))},
    "fragment-links": lambda n: page("".join(f"[x](#h{i}) " for i in range(n)) + "\n"),
    "open-comments": lambda n: page("<!--\n" * n),
    "open-blocks": lambda n: page("<!-- audience: team -->\nx\n" * n),
    "close-blocks": lambda n: page("<!-- /audience -->\nx\n" * n),
    "nested-blocks": lambda n: page("<!-- audience: team -->\n" * n + "x\n" + "<!-- /audience -->\n" * n),
    "nested-block-links": lambda n: page("".join(f"<!-- audience: team -->\n## H{i}\n[[p]] [x](#h{i})\n" for i in range(n)) + "<!-- /audience -->\n" * n),
    "block-links": lambda n: page("".join(f"<!-- audience: team -->\n## H{i}\n[[p]] [[p#h{i}]] [x](#h{i})\n<!-- /audience -->\n" for i in range(n))),
    "changelog-nested-blocks": lambda n: {"/CHANGELOG.md": "# Changelog\n\n## [1.0.0] - 2026-01-01\n### Added\n" + "<!-- audience: team -->\n- Thing\n" * n + "<!-- /audience -->\n" * n},
    "emphasis": lambda n: page("*a_" * n + "\n"),
    "backticks": lambda n: page(" ".join("`" * (i % 50 + 1) + "a" for i in range(n)) + "\n"),
    "html-tags": lambda n: page("<div>" * n + "\n"),
    "html-reopened": lambda n: page("".join(f"<div><b id={i}></div>" for i in range(n))),
    "html-in-nesting": lambda n: page("- " * n + "x\n\n<b>raw</b>\n"),
    "list-items": lambda n: page("- x\n" * n),
    "long-line": lambda n: page("word " * (10 * n) + "\n"),
    "long-title": lambda n: {"pages/p.md": '+++\ntitle = "' + "T" * (10 * n) + '"\n+++\nBody\n'},
    "title-links": lambda n: {"pages/p.md": '+++\ntitle = "' + "[x](" * n + ')"\nsummary = "' + "](" * n + ')"\n+++\nBody\n'},
    "fan-out": lambda n: {"initiatives/i.md": '+++\nid = "I"\ntitle = "I"\nstatus = "planned"\ndepends_on = [' + ", ".join(f'"J{j}"' for j in range(n)) + "]\n+++\nB\n",
                          **{f"initiatives/j{i}.md": f'+++\nid = "J{i}"\ntitle = "J{i}"\nstatus = "planned"\n+++\nB\n' for i in range(n)}},
    "backlinks": lambda n: {"pages/p.md": FRONT + "Target\n", **{f"pages/q{i}.md": FRONT.replace('"P"', f'"Q{i}"') + "[[p]]\n" for i in range(n)}},
    "wide-table": lambda n: page("|" + "a|" * n + "\n|" + "-|" * n + "\n" + ("|" + "x|" * n + "\n") * 3),
    "autolinks": lambda n: page("<a:" * n + "\n"),
    "entities": lambda n: page("&#" * n + "&amp" * n + "\n"),
    "nested-labels": lambda n: page("[a " * n + "]" * n + "(u)\n"),
    "inline-comments": lambda n: page("x <!-- " * n + "\n"),
    "cdata": lambda n: page("x <![CDATA[ " * n + "\n"),
    "instructions": lambda n: page("x <?" * n + "\n"),
    "emphasis-mix": lambda n: page("**_*a" * n + "\n"),
    "heading-classes": lambda n: page("# H {#h " + " ".join(f".c{i}" for i in range(n)) + "}\n"),
    "link-titles": lambda n: page("[a]\n\n[a]: /u '" + "t " * n + "'\n"),
    "changelog-versions": lambda n: {"/CHANGELOG.md": "# Changelog\n\n" + "".join(f"## [1.{i}.0] - 2026-01-01\n### Added\n- Thing {i}\n\n" for i in range(n))},
    "changelog-entries": lambda n: {"/CHANGELOG.md": "# Changelog\n\n## [1.0.0] - 2026-01-01\n### Added\n" + "".join(f"- Thing {i}\n" for i in range(n))},
    "adr-records": lambda n: {f"decisions/{i:05}-d.md": f"# {i}. Decide {i}\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n\n## Context\n\nC.\n" for i in range(n)},
    "audiences": lambda n: {"/align.toml": CONFIG.replace('audiences = ["team"]', "audiences = [" + ", ".join(f'"a{i}"' for i in range(n)) + ', "team"]'),
                            "pages/p.md": '+++\ntitle = "P"\naudience = [' + ", ".join(f'"b{i}"' for i in range(n)) + ', "team"]\n+++\nBody\n'},
    "block-audiences": lambda n: {"/align.toml": CONFIG.replace('audiences = ["team"]', "audiences = [" + ", ".join(f'"a{i}"' for i in range(n)) + ', "team"]'),
                                  "pages/p.md": FRONT + "<!-- audience: " + ", ".join(f"b{i}" for i in range(n)) + " -->\nx\n<!-- /audience -->\n"},
    "sites": lambda n: {"/align.toml": CONFIG + "".join(f'[sites.s{i}]\ntitle = "S{i}"\naudiences = ["team"]\n' for i in range(n)),
                        "pages/p.md": FRONT + "Body [[p]]\n"},
    "same-version": lambda n: {f"releases/r{i}.md": f'+++\ntitle = "R{i}"\nversion = "1.0.0"\nstatus = "released"\ndate = 2026-01-01\n+++\nB\n' for i in range(n)},
    "parent-chain": lambda n: {f"objectives/o{i}.md": f'+++\nid = "O{i}"\ntitle = "O{i}"\nperiod = "2026-Q4"\n' + (f'parent = "O{i - 1}"\n' if i else "") + "+++\nB\n" for i in range(n)},
    "slips": lambda n: {"initiatives/i.md": '+++\ntitle = "I"\nstatus = "planned"\ntarget = 2026-12-01\n' + "".join(f'[[target_history]]\ndate = 2026-01-01\ntarget = 2026-02-01\nreason = "r{i}"\n' for i in range(n)) + "+++\nB\n"},
    "changes-in-release": lambda n: {"releases/r.md": '+++\nid = "R"\ntitle = "R"\nversion = "1.0.0"\nstatus = "released"\ndate = 2026-01-01\n+++\nB\n',
                                     **{f"changes/c{i}.md": f'+++\ntitle = "C{i}"\nrelease = "R"\ncategory = "added"\n+++\nB\n' for i in range(n)}},
    "assets": lambda n: {**{f"pages/p{i}.md": FRONT.replace('"P"', f'"P{i}"') + f"![i](img{i}.png) [f](f{i}.txt)\n" for i in range(n)},
                         **{f"pages/img{i}.png": "x" for i in range(n)}, **{f"pages/f{i}.txt": "x" for i in range(n)}},
    "one-asset": lambda n: {"pages/p.md": FRONT + "".join(f"![i](img.png) [f](img.png#{i})\n" for i in range(n)), "pages/img.png": "x"},
    "static-files": lambda n: {f"/static/s{i}.css": "x" for i in range(n)},
    "same-id": lambda n: {f"pages/p{i}.md": '+++\nid = "X"\ntitle = "P"\n+++\nB\n' for i in range(n)},
    "relations-mixed": lambda n: {"decisions/0001-d.md": '+++\ntitle = "D"\nstatus = "accepted"\ndate = 2026-01-01\nrelates_to = [' + ", ".join(f'"pages/p{i}"' for i in range(n)) + "]\n+++\nB\n",
                                  **{f"pages/p{i}.md": FRONT.replace('"P"', f'"P{i}"') + "[[decisions/0001-d]]\n" for i in range(n)}},
    "tags": lambda n: {"pages/p.md": '+++\ntitle = "P"\ntags = [' + ", ".join(f'"t{i}"' for i in range(n)) + "]\n+++\nBody\n"},
    "unknown-keys": lambda n: {"pages/p.md": '+++\ntitle = "P"\n' + "".join(f"k{i} = 1\n" for i in range(n)) + "+++\nBody\n"},
    "key-results": lambda n: {"objectives/o.md": OBJECTIVE + "".join(KR.format(i=i) for i in range(n)) + "+++\nBody\n"},
    "check-ins": lambda n: {"objectives/o.md": OBJECTIVE + KR.format(i=0) + "".join(f"[[key_results.checkins]]\ndate = 2026-11-01\nvalue = {i}\n" for i in range(n)) + "+++\nBody\n"},
    "drivers": lambda n: {"objectives/o.md": OBJECTIVE + KR.format(i=0) + "+++\nBody\n",
                          **{f"initiatives/i{i}.md": f'+++\ntitle = "I{i}"\nstatus = "planned"\ndrives = ["O#k0"]\n+++\nB\n' for i in range(n)}},
    "dependencies": lambda n: {f"initiatives/i{i}.md": f'+++\nid = "I{i}"\ntitle = "I{i}"\nstatus = "planned"\ndepends_on = [' + ", ".join(f'"I{j}"' for j in range(max(0, i - 2), i)) + "]\n+++\nB\n" for i in range(n)},
    "supersedes": lambda n: {f"decisions/{i:05}-d.md": f'+++\ntitle = "D{i}"\nstatus = "accepted"\ndate = 2026-01-01\nsupersedes = [' + ", ".join(f'"decisions/{j:05}-d"' for j in range(max(0, i - 2), i)) + "]\n+++\nB\n" for i in range(n)},
}
# Patterns of many documents take N / 4 of them.
MANY = {"drivers", "dependencies", "supersedes", "fan-out", "backlinks", "adr-records", "changelog-versions", "sites", "same-version", "parent-chain", "changes-in-release", "assets", "same-id", "relations-mixed"}


def build(files):
    with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as d:
        os.makedirs(os.path.join(d, "content"))
        with open(os.path.join(d, "align.toml"), "w") as f:
            f.write(CONFIG)
            if "/CHANGELOG.md" in files:
                f.write('[import]\nchangelog = "CHANGELOG.md"\nchangelog_audience = ["team", "public"]\n')
        for path, text in files.items():
            # Paths from the root ("/CHANGELOG.md") go beside align.toml, the rest in content/.
            path = os.path.join(d, path[1:]) if path.startswith("/") else os.path.join(d, "content", path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        started = time.perf_counter()
        try:
            done = subprocess.run([ALIGN, "build", d, "--out", os.path.join(d, "out"), "-q", "--today", "2026-11-23"],
                                  capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return None
        return time.perf_counter() - started, done.returncode


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("patterns", nargs="*", default=list(PATTERNS))
    opts = parser.parse_args()
    if not os.path.exists(ALIGN):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    bad = 0
    for name in opts.patterns:
        n = opts.n // 4 if name in MANY else opts.n
        small, large = build(PATTERNS[name](n)), build(PATTERNS[name](2 * n))
        if small is None or large is None:
            bad += 1
            print(f"{name:15} n={n}: timeout", flush=True)
            continue
        (small, status), (large, _) = small, large
        ratio = large / max(small, 1e-3)
        bad += ratio > 3
        print(f"{name:15} n={n}: {small:.2f} s, 2n: {large:.2f} s, x{ratio:.1f} (exit {status})", flush=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
