#!/usr/bin/env python3
"""Benchmarks align on generated corpora and prints a Markdown table.

    python3 bench/run.py [--sizes 1000,10000,100000] [--runs 3] [--work DIR] [--out DIR]

For each size N it measures, on the same machine and in the same run:
  * cold `align build` of N alignment documents into three sites: wall time, peak RSS
  * the same into a single site (`--site team`)
  * `align check`
  * a one-document edit under `align serve`: rebuild time (from the server's own log) and
    edit-to-reload latency (file written -> Server-Sent Event received)
  * N plain pages into one site: align and bare pulldown-cmark (examples/bare.rs) side by
    side over --plain-pairs pairs of cold runs in turned order, and Hugo when it is installed
    (`apt-get install hugo`), with the ratios
and, for the two largest sizes, the growth of the three-site build from one to the other
over --pairs pairs of cold runs (then of the one-site build and of `align check` alike),
the order turned every other pair (the machine's speed drifts by tens of percent over
minutes, so only runs taken side by side give a ratio, and a build right after a large
one is slower, so each size follows each size as often), by wall time and by CPU time
(user and system apart: the kernel's share, writing files, grows differently from the
build's own work), and bare pulldown-cmark's growth over the plain pages of the same two
sizes in pairs of the same kind: what the machine alone adds when the work grows tenfold;
and what the machine takes to hand out the memory each of the two builds takes (its peak
RSS and its output), touched alone in pairs of the same kind: on a virtual machine whose
host backs the guest's memory only when it is first touched, and takes it back when it is
freed, that cost grows faster than the memory does.
Output folders go to --out (a tmpfs by default) so the disk does not dominate; each run
starts from an empty output folder ("cold"). Times are the median of --runs.
"""

import argparse
import collections
import os
import re
import select
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALIGN = os.path.join(ROOT, "target/release/align")
BARE = os.path.join(ROOT, "target/release/examples/bare")
TODAY = "2026-11-23"


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


Run = collections.namedtuple("Run", "wall user system rss")


def run_once(cmd, out_dir):
    """One cold run: wall time, user and system CPU time (s) and peak RSS (MB)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    started = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%U %S %M"] + cmd, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    user, system, rss = proc.stderr.strip().splitlines()[-1].split()
    return Run(wall, float(user), float(system), int(rss) / 1024)


def timed(cmd, out_dir, runs):
    """Median wall time and the largest peak RSS (MB) over `runs` cold runs."""
    results = [run_once(cmd, out_dir) for _ in range(runs)]
    return statistics.median(r.wall for r in results), max(r.rss for r in results)


def turned_pairs(first, second, out_dir, pairs):
    """Cold runs of two commands, pair by pair, the order turned every other pair (first,
    second, second, first, first, second, ...): only runs taken side by side give a ratio
    (the machine's speed drifts by tens of percent over minutes), and a run right after a
    heavier one is slower (the machine is still taking back the memory and files the other
    left), so each command follows each as often. The pairs as (run of first, run of
    second), and every run in the order it ran as (0 for first or 1 for second, run)."""
    return in_turned_order(pairs, lambda which: run_once((first, second)[which], out_dir))


def in_turned_order(pairs, run):
    """`run(0)` and `run(1)` pair by pair, in the order `turned_pairs` says: the pairs as
    (result of 0, result of 1), and every result in the order it came as (which, result)."""
    done, ran = [], []
    for pair in range(pairs):
        results = {}
        for which in ((0, 1) if pair % 2 == 0 else (1, 0)):
            results[which] = run(which)
            ran.append((which, results[which]))
        done.append((results[0], results[1]))
    return done, ran


def side_by_side(first, second, out_dir, pairs):
    """Two commands in turned pairs: the medians of wall time (and the first's largest peak
    RSS) and the sorted pair-by-pair ratios of the first to the second."""
    runs, _ = turned_pairs(first, second, out_dir, pairs)
    a = statistics.median(r.wall for r, _ in runs)
    b = statistics.median(r.wall for _, r in runs)
    return a, max(r.rss for r, _ in runs), b, sorted(r.wall / q.wall for r, q in runs)


def growth(small, large, out, pairs):
    """Cold runs of the commands for a small and a large project in turned pairs (see
    `turned_pairs`): always putting the small run right after the large one would slow
    only the small runs and understate the growth. Per project: the medians of wall, user
    and system time; the pair-by-pair ratios of wall time; and, keyed by (large, after the
    same size), the medians of wall time of the runs that followed a run of the same size
    and of the other size."""
    done, ran = turned_pairs(small, large, out, pairs)
    runs = {0: [s for s, _ in done], 1: [l for _, l in done]}
    # Wall times keyed by (the large project, after a build of the same project).
    after = {(large_one, same): [] for large_one in (False, True) for same in (True, False)}
    for (previous, _), (which, run) in zip(ran, ran[1:]):
        after[(which == 1, previous == which)].append(run.wall)
    medians = {p: [statistics.median(getattr(r, k) for r in runs[p]) for k in ("wall", "user", "system")] for p in runs}
    ratios = sorted(l.wall / s.wall for s, l in done)
    by_previous = {key: statistics.median(v) if v else None for key, v in after.items()}
    return medians[0], medians[1], ratios, by_previous


def taken_memory(cmd, out_dir):
    """The memory a build takes from the machine, in bytes: its peak RSS and the files it
    writes (the output folder is on a tmpfs, in memory too), from one cold run."""
    run = run_once(cmd, out_dir)
    written = sum(os.lstat(os.path.join(folder, name)).st_size
                  for folder, _, names in os.walk(out_dir) for name in names)
    return int(run.rss * 2**20) + written


# Touches `n` bytes of memory the process has not used before, a byte in every page, and
# prints the seconds it took: what fresh memory costs this machine, without a build.
TOUCH = """import mmap, sys, time
n = int(sys.argv[1])
started = time.perf_counter()
memory = mmap.mmap(-1, n)
memory[::4096] = bytes(len(range(0, n, 4096)))
print(time.perf_counter() - started)
"""


def fresh_memory(small, large, pairs):
    """Touching `small` and `large` bytes of fresh memory in turned pairs: the median
    seconds of each and the pair-by-pair ratios of the larger to the smaller. On a
    machine that pays the same for every page, the ratio is that of the sizes."""
    def touch(which):
        size = (small, large)[which]
        done = subprocess.run([sys.executable, "-c", TOUCH, str(size)], check=True,
                              capture_output=True, text=True)
        return float(done.stdout)

    done, _ = in_turned_order(pairs, touch)
    return (statistics.median(s for s, _ in done), statistics.median(l for _, l in done),
            sorted(l / s for s, l in done))


def generate(kind, n, work):
    path = os.path.join(work, f"{kind}-{n}")
    if not os.path.exists(os.path.join(path, "align.toml")):
        shutil.rmtree(path, ignore_errors=True)
        sh([sys.executable, os.path.join(ROOT, "bench/gen.py"), kind, str(n), path])
        # A new corpus is still being written back to the disk for a while (0.75 GB at
        # 100,000 pages): the runs that come right after it would share the machine with
        # that writeback.
        os.sync()
    return path


def hugo_site(plain, work, n):
    """The plain corpus as a Hugo site with minimal layouts."""
    site = os.path.join(work, f"hugo-{n}")
    if not os.path.exists(os.path.join(site, "hugo.toml")):
        os.makedirs(os.path.join(site, "layouts/_default"), exist_ok=True)
        with open(os.path.join(site, "hugo.toml"), "w") as f:
            f.write('baseURL = "https://example.org/"\ntitle = "Plain"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
        for name, body in (("single.html", "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>"),
                           ("list.html", "<!DOCTYPE html><html><body><ul>{{ range .Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul></body></html>")):
            with open(os.path.join(site, "layouts/_default", name), "w") as f:
                f.write(body)
        shutil.copytree(os.path.join(plain, "content"), os.path.join(site, "content"))
    return site


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_edits(project, edits=15, front_edits=11, new_documents=5):
    """For one-document prose edits: the median server rebuild time and the median time
    from writing the file to receiving the reload event. For edits to a document's title
    (frontmatter): the median time until the server published the edited document's pages,
    from writing the file to receiving the event that reloads its page, to receiving the
    event that reloads the release plan open in another tab (rendered ahead of the rest,
    as every page open in a browser is), and until every list, view and site file was
    rebuilt; and the same for title edits saved as `sed -i` saves them, written to a
    temporary file beside the document and renamed over it, and for a link to another
    document added to the prose. For a new initiative (moved into `content/` whole) and its removal, which
    render every page again: the median time to the release plan's reload and until
    everything was rebuilt."""
    port = free_port()
    proc = subprocess.Popen([ALIGN, "serve", project, "--port", str(port), "--today", TODAY],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(proc, "built in")
        target = sorted(os.listdir(os.path.join(project, "content/initiatives")))[0]
        path = os.path.join(project, "content/initiatives", target)
        # Two tabs: the edited document's page and the release plan. An update names the
        # pages it changed, quoted: another site's page of the document is not this tab's.
        page_path = f"/exec/initiatives/{target[:-3]}.html"
        page = f'"{page_path}"'.encode()
        events = open_events(port, page_path)
        plan_events = open_events(port, "/exec/release-plan.html")
        plan = b'"/exec/release-plan.html"'
        plan_buf = b""
        original = open(path, encoding="utf-8").read()
        rebuilds, latencies = [], []
        buf = b""
        try:
            for i in range(edits):
                with open(path, "w", encoding="utf-8") as f:
                    f.write(original + f"\nEdit number {i}.\n")
                written = time.perf_counter()
                buf = next_update(events, buf, page)
                latencies.append((time.perf_counter() - written) * 1000)
                line = wait_for(proc, "rebuilt in")
                rebuilds.append(int(re.search(r"rebuilt in (\d+) ms", line).group(1)))
                time.sleep(0.1)
            # Prose edits do not change the release plan: its tab saw nothing to reload.
            plan_events.setblocking(False)
            try:
                while plan_events.recv(65536):
                    pass
            except BlockingIOError:
                pass
            plan_events.setblocking(True)
            plan_events.settimeout(30)

            def timed_edit(save, plan_changes=True):
                """Saves an edit with `save()`: the time from the save to the edited page's
                reload event and, when the release plan changes too, to its tab's, and the
                server's own times until the edited pages and until everything were published."""
                nonlocal buf, plan_buf
                save()
                written = time.perf_counter()
                buf = next_update(events, buf, page)
                reload = (time.perf_counter() - written) * 1000
                if plan_changes:
                    plan_buf = next_update(plan_events, plan_buf, plan)
                plan_at = (time.perf_counter() - written) * 1000
                early = wait_for(proc, "pages in")
                line = wait_for(proc, "rebuilt in")
                time.sleep(0.3)
                return (int(re.search(r"pages in (\d+) ms", early).group(1)), reload, plan_at,
                        int(re.search(r"rebuilt in (\d+) ms", line).group(1)))

            def write(file, text):
                with open(file, "w", encoding="utf-8") as f:
                    f.write(text)

            def retitled(words):
                return re.sub(r'^title = "', f'title = "{words} ', original, count=1, flags=re.M)

            # Each: its pages, its reload, the plan's reload, everything.
            titles = [timed_edit(lambda: write(path, retitled(f"Retitled {i}"))) for i in range(front_edits)]
            # The same title edits saved the way `sed -i` and some editors save: written to
            # a temporary file beside the document and renamed over it.
            renamed = []
            for i in range(front_edits):
                temporary = os.path.join(os.path.dirname(path), f"sedtmp{i}")
                write(temporary, retitled(f"Renamed {i}"))
                renamed.append(timed_edit(lambda: os.rename(temporary, path)))
            # A link to another document added to the prose, a new one each time: the
            # graph gains an edge, and the release plan stays as it was.
            targets = sorted(os.listdir(os.path.join(project, "content/objectives")))
            linked = []
            for i in range(front_edits):
                target = targets[(i * 7 + 3) % len(targets)][:-3]
                text = original + f"\nSee also [the objective](../objectives/{target}.md), edit {i}.\n"
                linked.append(timed_edit(lambda: write(path, text), plan_changes=False))
            pages, reloads, plans, fronts = (list(column) for column in zip(*titles))
            renamed_pages, renamed_reloads, _, renamed_fronts = zip(*renamed)
            link_pages, link_reloads, _, link_fronts = zip(*linked)
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            buf = next_update(events, buf, page)
            plan_buf = next_update(plan_events, plan_buf, plan)
            wait_for(proc, "rebuilt in")
            time.sleep(0.3)
            timings = {"new": ([], [], []), "gone": ([], [], [])}
            for i in range(new_documents):
                new = os.path.join(project, "content/initiatives", f"zz-new-{i}.md")
                # Written beside the project, on the same file system, and moved in whole.
                staged = os.path.join(os.path.dirname(os.path.abspath(project)), f".new-{i}.md")
                text = re.sub(r'^id = "[^"]*"', f'id = "I-NEW-{i}"', original, count=1, flags=re.M)
                with open(staged, "w", encoding="utf-8") as f:
                    f.write(re.sub(r'^title = "', f'title = "New {i}: ', text, count=1, flags=re.M))
                for what in ("new", "gone"):
                    written = time.perf_counter()
                    os.rename(staged, new) if what == "new" else os.remove(new)
                    # Both tabs reload (every page's navigation counts the initiatives).
                    (plan_at, plan_buf), (page_at, buf) = updates(
                        [(plan_events, plan_buf, plan), (events, buf, page)])
                    timings[what][0].append((plan_at - written) * 1000)
                    timings[what][2].append((page_at - written) * 1000)
                    line = wait_for(proc, "rebuilt in")
                    timings[what][1].append(int(re.search(r"rebuilt in (\d+) ms", line).group(1)))
                    time.sleep(0.3)
        finally:
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            for i in range(front_edits):
                temporary = os.path.join(os.path.dirname(path), f"sedtmp{i}")
                if os.path.exists(temporary):
                    os.remove(temporary)
            for i in range(new_documents):
                for left in (os.path.join(project, "content/initiatives", f"zz-new-{i}.md"),
                             os.path.join(os.path.dirname(os.path.abspath(project)), f".new-{i}.md")):
                    if os.path.exists(left):
                        os.remove(left)
        median = statistics.median
        return {"rebuild": median(rebuilds), "latency": median(latencies), "front_pages": median(pages),
                "front_reload": median(reloads), "front_plan": median(plans), "front": median(fronts),
                "renamed_pages": median(renamed_pages), "renamed_reload": median(renamed_reloads),
                "renamed_front": median(renamed_fronts),
                "link_pages": median(link_pages), "link_reload": median(link_reloads),
                "link_front": median(link_fronts),
                "new_plan": median(timings["new"][0]), "new": median(timings["new"][1]),
                "new_page": median(timings["new"][2]), "gone_plan": median(timings["gone"][0]),
                "gone": median(timings["gone"][1]), "gone_page": median(timings["gone"][2])}
    finally:
        proc.terminate()
        proc.wait()


def open_events(port, page):
    """An event stream as a browser tab showing `page` opens it."""
    events = connect(port)
    query = urllib.parse.quote(page, safe="")
    events.sendall(f"GET /__align/events?page={query} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    events.settimeout(30)
    events.recv(4096)
    return events


def updates(streams):
    """For each (events, buf, needle), the time its update naming `needle` arrived and the
    rest of its buffer, waiting on all of them at once."""
    done = {}
    bufs = [buf for _, buf, _ in streams]
    while len(done) < len(streams):
        for i, (events, _, needle) in enumerate(streams):
            while i not in done and b"\n\n" in bufs[i]:
                event, bufs[i] = bufs[i].split(b"\n\n", 1)
                if b"event: update" in event and needle in event:
                    done[i] = time.perf_counter()
        waiting = [streams[i][0] for i in range(len(streams)) if i not in done]
        if not waiting:
            break
        ready, _, _ = select.select(waiting, [], [], 30)
        if not ready:
            sys.exit("timed out waiting for a reload")
        for events in ready:
            i = next(i for i, stream in enumerate(streams) if stream[0] is events)
            bufs[i] += events.recv(65536)
    return [(done[i], bufs[i]) for i in range(len(streams))]


def next_update(events, buf, needle):
    """Reads Server-Sent Events until an update that names `needle`; returns the rest."""
    while True:
        while b"\n\n" in buf:
            event, buf = buf.split(b"\n\n", 1)
            if b"event: update" in event and needle in event:
                return buf
        buf += events.recv(65536)


def connect(port, timeout=30):
    # The server starts listening just after its first build.
    deadline = time.time() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port))
        except ConnectionRefusedError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


def wait_for(proc, needle, timeout=600):
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = proc.stderr.readline()
        if not line:
            sys.exit("serve stopped")
        if needle in line:
            return line
    sys.exit(f"timed out waiting for {needle!r}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/tmp/align-bench")
    parser.add_argument("--out", default="/dev/shm/align-bench-out")
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--plain-pairs", type=int, default=9)
    args = parser.parse_args()
    sh(["cargo", "build", "--release", "--quiet", "--bin", "align", "--example", "bare"], cwd=ROOT)
    os.makedirs(args.work, exist_ok=True)
    hugo = shutil.which("hugo")
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        project = generate("align", n, args.work)
        plain = generate("plain", n, args.work)
        out = os.path.join(args.out, str(n))
        row = {"n": n}
        row["three"], row["three_rss"] = timed([ALIGN, "build", project, "--out", out, "--today", TODAY, "-q"], out, args.runs)
        row["one"], row["one_rss"] = timed([ALIGN, "build", project, "--out", out, "--site", "team", "--today", TODAY, "-q"], out, args.runs)
        started = time.perf_counter()
        subprocess.run([ALIGN, "check", project, "--today", TODAY, "--format", "json"], capture_output=True)
        row["check"] = time.perf_counter() - started
        row["plain"], row["plain_rss"], row["bare"], row["plain_ratios"] = side_by_side(
            [ALIGN, "build", plain, "--out", out, "-q"], [BARE, plain, out], out, max(args.runs, args.plain_pairs))
        if hugo:
            site = hugo_site(plain, args.work, n)
            row["hugo"], _ = timed([hugo, "--quiet", "-s", site, "-d", out], out, args.runs)
        if not args.no_serve and n <= 10000:
            row.update(serve_edits(project))
            # The same with a CHANGELOG.md of as many entries imported beside it.
            imported = serve_edits(generate("align-changelog", n, args.work))
            row.update({f"changelog_{k}": v for k, v in imported.items()})
        # The last run's output would stay in memory (a tmpfs) through the runs after it.
        shutil.rmtree(out, ignore_errors=True)
        rows.append(row)
        print(row, file=sys.stderr)
    sizes = sorted(r["n"] for r in rows)
    grown = None
    if len(sizes) > 1 and args.pairs > 0:
        small, large = sizes[-2], sizes[-1]
        out = os.path.join(args.out, "growth")
        build = lambda n: [ALIGN, "build", generate("align", n, args.work), "--out", out, "--today", TODAY, "-q"]
        grown = (small, large) + growth(build(small), build(large), out, args.pairs)
        # The same pairs for one site and for `align check`: a site's document views,
        # pages and output are what three sites take three times.
        one = lambda n: build(n) + ["--site", "team"]
        check = lambda n: [ALIGN, "check", generate("align", n, args.work), "--today", TODAY, "--format", "json"]
        others = [("one site", growth(one(small), one(large), out, args.pairs)),
                  ("`align check`", growth(check(small), check(large), out, args.pairs))]
        # Bare pulldown-cmark over the plain pages of both sizes, in pairs of the same
        # kind: it keeps nothing from one page to the next and reads nothing shared, so
        # its growth is what the machine alone adds when the work grows tenfold.
        bare = lambda n: [BARE, generate("plain", n, args.work), out]
        floor = growth(bare(small), bare(large), out, args.pairs)
        # The memory each build takes, touched alone in pairs of the same kind: what the
        # machine charges for fresh memory when a build takes tenfold.
        sizes_taken = [taken_memory(build(n), out) for n in (small, large)]
        shutil.rmtree(out, ignore_errors=True)
        memory = tuple(sizes_taken) + fresh_memory(*sizes_taken, args.pairs)
    print_table(rows, hugo)
    print()
    for r in rows:
        ratios = r["plain_ratios"]
        print(f"Plain pages, {r['n']:,}: align and bare pulldown-cmark in {len(ratios)} pairs of cold runs in turned order: "
              f"{r['plain']:.3f} s and {r['bare']:.3f} s by medians, {r['plain'] / r['bare']:.2f}×; pair by pair "
              f"{ratios[0]:.2f}–{ratios[-1]:.2f}× (median {statistics.median(ratios):.2f}×)")
    for r in rows:
        if "new" in r:
            print(f"Serve, {r['n']:,} documents, a new initiative moved into content/: open release plan reloaded "
                  f"{r['new_plan']:.0f} ms after it, an open initiative's page {r['new_page']:.0f} ms, everything "
                  f"rebuilt in {r['new']:.0f} ms; removed again: {r['gone_plan']:.0f}, {r['gone_page']:.0f} and "
                  f"{r['gone']:.0f} ms")
    for r in rows:
        if "renamed_front" in r:
            print(f"Serve, {r['n']:,} documents, title edits saved as a temporary file renamed over the document "
                  f"(as `sed -i` saves): its pages {r['renamed_pages']:.0f} ms, save→reload "
                  f"{r['renamed_reload']:.0f} ms, everything {r['renamed_front']:.0f} ms")
    for r in rows:
        if "link_front" in r:
            print(f"Serve, {r['n']:,} documents, a link to another document added to the prose: its pages "
                  f"{r['link_pages']:.0f} ms, save→reload {r['link_reload']:.0f} ms, everything "
                  f"{r['link_front']:.0f} ms")
    for r in rows:
        if "changelog_front" in r:
            print(f"Serve, {r['n']:,} documents and an imported changelog of as many entries as they have "
                  f"changes: prose edit {r['changelog_rebuild']:.0f} ms rebuild, {r['changelog_latency']:.0f} ms "
                  f"save→reload; title edit: its pages {r['changelog_front_pages']:.0f} ms, save→reload "
                  f"{r['changelog_front_reload']:.0f} ms, open release plan {r['changelog_front_plan']:.0f} ms, "
                  f"everything {r['changelog_front']:.0f} ms")
    if grown:
        small, large, (ts, us, ss), (tl, ul, sl), ratios, by_previous = grown
        print(f"\nGrowth from {small:,} to {large:,} documents, three sites, {len(ratios)} pairs of cold runs in turned order: "
              f"{ts:.2f} s and {tl:.2f} s by medians, {tl / ts:.1f}×; pair by pair {ratios[0]:.1f}–{ratios[-1]:.1f}× "
              f"(median {statistics.median(ratios):.1f}×); CPU time {us + ss:.2f} s and {ul + sl:.2f} s, "
              f"{(ul + sl) / max(us + ss, 0.01):.2f}× (user {ul / max(us, 0.01):.2f}×, "
              f"system {sl / max(ss, 0.01):.2f}×)")
        for same, label in ((True, "after a build of the same size"), (False, "after a build of the other size")):
            s_wall, l_wall = by_previous[(False, same)], by_previous[(True, same)]
            if s_wall and l_wall:
                print(f"  {label}: {s_wall:.2f} s and {l_wall:.2f} s by medians, {l_wall / s_wall:.1f}×")
        for label, result in others:
            print(f"The same, {label}: {in_brief(result)}")
        print(f"Bare pulldown-cmark over {small:,} and {large:,} plain pages, {len(floor[2])} pairs in turned order: "
              f"{in_brief(floor)}")
        bytes_s, bytes_l, ms, ml, ratios = memory
        gb_s, gb_l = bytes_s / 2**30, bytes_l / 2**30
        print(f"Fresh memory, the builds' peak RSS and output ({gb_s:.2f} and {gb_l:.2f} GB, {gb_l / gb_s:.1f}×) "
              f"touched alone, {len(ratios)} pairs in turned order: {ms:.2f} s and {ml:.2f} s by medians "
              f"({ms / gb_s:.2f} and {ml / gb_l:.2f} s per GB), {ml / ms:.1f}×; pair by pair "
              f"{ratios[0]:.1f}–{ratios[-1]:.1f}× (median {statistics.median(ratios):.1f}×)")


def in_brief(grown):
    """One `growth` result in a line: medians, the pairs' ratios and CPU time."""
    (ws, us, ss), (wl, ul, sl), ratios, _ = grown
    cs, cl = us + ss, ul + sl
    return (f"{ws:.2f} s and {wl:.2f} s by medians, {wl / ws:.1f}×; pair by pair {ratios[0]:.1f}–{ratios[-1]:.1f}× "
            f"(median {statistics.median(ratios):.1f}×); CPU time {cs:.2f} s and {cl:.2f} s, {cl / max(cs, 0.01):.2f}×")


def fmt(v, unit="s"):
    return "–" if v is None else (f"{v:.2f} s" if unit == "s" else f"{v:.0f} {unit}")


def print_table(rows, hugo):
    print(f"machine: {os.cpu_count()} cores; output on {os.environ.get('BENCH_OUT_FS', 'tmpfs')}; median of runs\n")
    print("| N | 3 sites | RSS | 1 site | RSS | check | prose edit rebuild | save→reload | title edit: its pages | save→reload | open release plan reload | everything | plain: align | bare | align/bare | hugo | hugo/align |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ratio = r["plain"] / r["bare"]
        h = r.get("hugo")
        hugo_ratio = "–" if h is None else f"{h / r['plain']:.1f}×"
        print(f"| {r['n']:,} | {fmt(r['three'])} | {fmt(r['three_rss'], 'MB')} | {fmt(r['one'])} | {fmt(r['one_rss'], 'MB')} | {fmt(r['check'])} "
              f"| {fmt(r.get('rebuild'), 'ms')} | {fmt(r.get('latency'), 'ms')} | {fmt(r.get('front_pages'), 'ms')} | {fmt(r.get('front_reload'), 'ms')} | {fmt(r.get('front_plan'), 'ms')} | {fmt(r.get('front'), 'ms')} | {fmt(r['plain'])} | {fmt(r['bare'])} | {ratio:.1f}× "
              f"| {fmt(h)} | {hugo_ratio} |")


if __name__ == "__main__":
    main()
