#!/usr/bin/env python3
"""Deterministic corpus generator for align benchmarks.

    gen.py align N OUT   an alignment project: every kind, relations, key results with
                          check-ins, links in all three reference forms, audience mixes
                          and audience blocks, three sites (exec, team, public)
    gen.py plain N OUT   N plain Markdown pages (title + body) with a one-site config,
                          for comparison with bare pulldown-cmark and with Hugo
    gen.py align-changelog N OUT
                         the align project of N, and a Keep a Changelog CHANGELOG.md it
                          imports with as many entries as it has change documents (bullets
                          with code, issue links, sub-lists and an audience block)

The same N always gives the same bytes.
"""

import datetime
import os
import random
import sys

WORDS = (
    "customer onboarding latency checkout invoice scheduling dispatch route technician "
    "mobile offline sync reliability uptime incident review pricing tier usage metric "
    "retention activation funnel experiment cohort revenue partner integration api "
    "webhook migration database cache queue worker region compliance audit privacy "
    "export import report dashboard alert threshold capacity forecast budget quarter "
    "roadmap release feature flag rollout beta feedback survey support ticket backlog"
).split()

SITES = """title = "Bench Co"
base_url = "https://alignment.bench.example"
default_audience = ["team"]

[sites.exec]
title = "Executive roadmap"
audiences = ["exec", "team"]
home = "roadmap"

[sites.team]
title = "Release plan"
audiences = ["team"]
home = "release-plan"

[sites.public]
title = "What we are building"
audiences = ["public"]
home = "changelog"
public = true
"""

PLAIN_CONFIG = """title = "Plain"
default_audience = ["team"]

[sites.docs]
title = "Docs"
audiences = ["team"]
home = "index"
"""


def sentence(rng, n=None):
    n = n or rng.randint(8, 18)
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 6)))


def body(rng, links, words_target):
    """A realistic body: paragraphs, a list, a table, code, and links."""
    parts = []
    words = 0
    section = 0
    while words < words_target:
        section += 1
        parts.append(f"## {sentence(rng, 3)[:-1]} {section}\n")
        p = paragraph(rng)
        if links:
            p += " " + rng.choice(links)
        parts.append(p + "\n")
        words += len(p.split())
        choice = section % 4
        if choice == 1:
            parts.append("\n".join(f"- {sentence(rng, 6)}" for _ in range(4)) + "\n")
            words += 28
        elif choice == 2:
            rows = "\n".join(f"| {rng.choice(WORDS)} | {rng.randint(1, 999)} | {rng.choice(WORDS)} |" for _ in range(4))
            parts.append(f"| Area | Value | Note |\n|---|---|---|\n{rows}\n")
            words += 16
        elif choice == 3:
            parts.append(f"```toml\n[{rng.choice(WORDS)}]\nlimit = {rng.randint(1, 100)}\nname = \"{rng.choice(WORDS)}\"\n```\n")
            words += 6
    return "\n".join(parts)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def plain(n, out):
    rng = random.Random(7)
    write(os.path.join(out, "align.toml"), PLAIN_CONFIG)
    for i in range(n):
        text = body(rng, [], rng.randint(300, 1000))
        write(os.path.join(out, "content", "pages", f"page-{i:06}.md"), f'+++\ntitle = "Page {i}"\n+++\n\n{text}')


def mix(n):
    """How many documents of each kind for N in total."""
    strategy = max(3, n // 1000)
    objectives = max(8, n // 20)
    initiatives = max(12, n * 15 // 100)
    releases = max(4, n * 2 // 100)
    decisions = max(10, n // 4)
    changes = max(12, n * 3 // 10)
    pages = max(1, n - strategy - objectives - initiatives - releases - decisions - changes)
    return strategy, objectives, initiatives, releases, decisions, changes, pages


def audience(rng, public_share):
    if rng.random() < public_share:
        return 'audience = ["public", "team", "exec"]\n'
    if rng.random() < 0.2:
        return 'audience = ["exec"]\n'
    return ""


def block(rng):
    return f"\n<!-- audience: exec -->\nLeadership only: {sentence(rng)}\n<!-- /audience -->\n"


def align(n, out):
    rng = random.Random(42)
    strategy, objectives, initiatives, releases, decisions, changes, pages = mix(n)
    write(os.path.join(out, "align.toml"), SITES)
    periods = ["2026-Q3", "2026-Q4"]
    made = []  # (path id, short id, folder, file)

    def links_to_earlier():
        if not made:
            return []
        picks = [rng.choice(made) for _ in range(3)]
        pid, sid, folder, fname = picks[0]
        return [
            f"[[{sid}]]" if sid else f"[[{pid}]]",
            f"[[{picks[1][0]}|see this]]",
            f"[details](../{picks[2][2]}/{picks[2][3]})",
        ]

    for i in range(strategy):
        sid = f"S-{i}"
        write(os.path.join(out, "content/strategy", f"s{i}.md"),
              f'+++\nid = "{sid}"\ntitle = "Pillar {i}: {sentence(rng, 3)[:-1]}"\nstatus = "active"\nhorizon = "2026-2028"\n'
              f'audience = ["public", "team", "exec"]\n+++\n\n{body(rng, [], 300)}')
        made.append((f"strategy/s{i}", sid, "strategy", f"s{i}.md"))
    objective_ids = []
    for i in range(objectives):
        oid = f"O-{i}"
        period = periods[i % 2]
        status = "closed" if period == "2026-Q3" else "active"
        q = 9 if period == "2026-Q3" else 11
        krs = ""
        for k in range(rng.randint(2, 4)):
            base, target = rng.randint(0, 50), rng.randint(60, 100)
            checkins = "".join(
                f'\n[[key_results.checkins]]\ndate = 2026-{q - 1 + c:02}-15\nvalue = {base + (target - base) * (c + 1) * rng.random() / 3:.1f}\n'
                for c in range(3))
            krs += f'\n[[key_results]]\nid = "kr{k + 1}"\ntitle = "{sentence(rng, 5)[:-1]}"\nunit = "%"\nbaseline = {base}\ntarget = {target}\nconfidence = {rng.random():.2f}\n{checkins}'
        text = body(rng, links_to_earlier(), rng.randint(300, 600))
        write(os.path.join(out, "content/objectives", f"o{i}.md"),
              f'+++\nid = "{oid}"\ntitle = "Objective {i}"\nperiod = "{period}"\nstatus = "{status}"\nlevel = "team"\ntype = "committed"\n'
              f'parent = "S-{i % strategy}"\nowners = ["Owner {i % 17}"]\nteam = "Team {i % 9}"\n{audience(rng, 0.1)}{krs}+++\n\n{text}')
        objective_ids.append((oid, q))
        made.append((f"objectives/o{i}", oid, "objectives", f"o{i}.md"))
    release_ids = []
    for i in range(releases):
        rid = f"R-{i}"
        released = i < releases * 3 // 4
        date = f"2026-{1 + i * 11 // releases:02}-{1 + i % 27:02}" if released else f"2027-{1 + i % 12:02}-10"
        write(os.path.join(out, "content/releases", f"r{i}.md"),
              f'+++\nid = "{rid}"\ntitle = "Release 1.{i}.0"\nversion = "1.{i}.0"\ndate = {date}\nstatus = "{"released" if released else "planned"}"\n'
              f'audience = ["public", "team", "exec"]\n+++\n\n{paragraph(rng)}\n')
        release_ids.append(rid)
        made.append((f"releases/r{i}", rid, "releases", f"r{i}.md"))
    horizons = ["now", "next", "later"]
    statuses = ["exploring", "planned", "in-progress", "shipped", "on-hold"]
    for i in range(initiatives):
        iid = f"I-{i}"
        oid, q = objective_ids[i % len(objective_ids)]
        drives = f'"{oid}#kr1"'
        depends = f'depends_on = ["I-{i - 1}"]\n' if i and i % 5 == 0 else ""
        slip = 'target_history = [{ date = 2026-10-01, target = 2026-10-15, reason = "Scope grew" }]\n' if i % 7 == 0 else ""
        text = body(rng, links_to_earlier(), rng.randint(300, 800)) + (block(rng) if i % 3 == 0 else "")
        write(os.path.join(out, "content/initiatives", f"i{i}.md"),
              f'+++\nid = "{iid}"\ntitle = "Initiative {i}: {sentence(rng, 4)[:-1]}"\nhorizon = "{horizons[i % 3]}"\nstatus = "{statuses[i % 5]}"\n'
              f'start = 2026-{q - 1:02}-01\ntarget = 2026-{q + 1:02}-20\ndrives = [{drives}]\n{depends}{slip}release = "{release_ids[i % len(release_ids)]}"\n'
              f'owners = ["Owner {i % 17}"]\nteam = "Team {i % 9}"\nrationale = "{sentence(rng)}"\n{audience(rng, 0.2)}+++\n\n{text}')
        made.append((f"initiatives/i{i}", iid, "initiatives", f"i{i}.md"))
    for i in range(decisions):
        did = f"ADR-{i + 1:04}"
        status = "accepted" if i % 6 else "proposed"
        supersedes = f'supersedes = ["ADR-{i:04}"]\n' if i and i % 10 == 0 and status == "accepted" else ""
        text = body(rng, links_to_earlier(), rng.randint(300, 900))
        write(os.path.join(out, "content/decisions", f"{i + 1:04}-decision.md"),
              f'+++\nid = "{did}"\nnumber = {i + 1}\ntitle = "Decision {i + 1}: {sentence(rng, 4)[:-1]}"\nstatus = "{status}"\ndate = 2026-{1 + i % 11:02}-{1 + i % 28:02}\n'
              f'deciders = ["Owner {i % 17}"]\n{supersedes}justifies = ["I-{i % initiatives}"]\n{audience(rng, 0.1)}+++\n\n{text}')
        made.append((f"decisions/{i + 1:04}-decision", did, "decisions", f"{i + 1:04}-decision.md"))
    categories = ["added", "changed", "deprecated", "removed", "fixed", "security"]
    for i in range(changes):
        write(os.path.join(out, "content/changes", f"c{i}.md"),
              f'+++\ntitle = "Change {i}: {sentence(rng, 6)[:-1]}"\ncategory = "{categories[i % 6]}"\nrelease = "{release_ids[i % len(release_ids)]}"\n'
              f'breaking = {"true" if i % 50 == 0 else "false"}\n{audience(rng, 0.7)}+++\n\n{paragraph(rng)}\n\n{paragraph(rng)}\n')
    for i in range(pages):
        write(os.path.join(out, "content/pages", f"p{i}.md"),
              f'+++\ntitle = "Page {i}"\n+++\n\n{body(rng, links_to_earlier(), rng.randint(300, 1000))}')


def align_changelog(n, out):
    align(n, out)
    rng = random.Random(99)
    entries = mix(n)[5]
    sections = ["Added", "Changed", "Fixed", "Removed", "Security", "Deprecated"]
    lines = ["# Changelog\n\nAll notable changes to Bench Co.\n\n## [Unreleased]\n\n### Added\n\n- Something coming\n"]
    made, version = 0, 0
    while made < entries:
        version += 1
        # Before the project's own releases (1.x, dated 2026), every three days from 1990.
        day = datetime.date(1990, 1, 1) + datetime.timedelta(days=3 * version)
        lines.append(f"\n## [0.{version}.0] - {day.isoformat()}\n\n{sentence(rng)}\n")
        for section in rng.sample(sections, 3):
            lines.append(f"\n### {section}\n\n")
            for _ in range(5):
                made += 1
                text = f"- {sentence(rng)[:-1]} `{rng.choice(WORDS)}` ([#{made}](https://git.bench.example/issues/{made}))\n"
                if made % 25 == 0:
                    text += f"  - {sentence(rng)}\n  - {sentence(rng)}\n"
                if made % 40 == 0:
                    text = f"<!-- audience: team -->\n{text}<!-- /audience -->\n"
                lines.append(text)
    write(os.path.join(out, "CHANGELOG.md"), "".join(lines))
    with open(os.path.join(out, "align.toml"), "a", encoding="utf-8") as f:
        f.write('\n[import]\nchangelog = "CHANGELOG.md"\nchangelog_audience = ["public", "team"]\n')


def main():
    kinds = {"align": align, "plain": plain, "align-changelog": align_changelog}
    if len(sys.argv) != 4 or sys.argv[1] not in kinds:
        sys.exit(__doc__)
    kind, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    kinds[kind](n, out)


if __name__ == "__main__":
    main()
