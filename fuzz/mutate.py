#!/usr/bin/env python3
"""Runs the real align binary on mutated copies of a whole project.

    python3 fuzz/mutate.py PROJECT [--runs N] [--seed S] [--body] [--keep DIR]

Each run copies PROJECT into a temporary folder, mutates one to three of its files
(cuts, truncations, repeated or deleted lines, random bytes, and tokens align reads:
fences, `[[`, audience markers, relation fields, dates, `TODO`, `<script>`, `../`),
then runs `align build` and `align check` on it. A run fails when either exits with
anything but 0, 1 or 2, prints a panic, takes more than 60 s, or when build and check
disagree on the exit code (check passing a project that build cannot write). Failing
copies are kept in --keep. With --body only the Markdown after a document's frontmatter
is mutated, so more runs get past the frontmatter into linking and rendering.
"""

import argparse
import collections
import os
import random
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALIGN = os.path.join(ROOT, "target/release/align")

TOKENS = [
    b"---", b"+++", b"\n", b"\r", b"\r\n", b"[[", b"]]", b"](", b")", b"<!--", b"-->",
    b"<!-- audience: exec -->", b"<!-- /audience -->", b"#", b"# ", b"\n# T\n", b"===",
    b"```", b"~~~", b"|", b"\t", b'"', b"'", b"\\", b"{{", b"}}", b"{%", b"%}", b"\x00",
    b"\xff", b"\xe2\x80", "é".encode(), "😀".encode(), b"\u202e", b"id = ", b"title = ",
    b"status = ", b'audience = ["public"]', b"date = 2026-02-30", b"9999-99-99", b"-1",
    b"1e308", b"inf", b"nan", b"[", b"]", b"=", b":", b"- ", b"key_results",
    b"[[key_results]]", b"[[key_results.checkins]]", b'period = "2026-Q5"',
    b'supersedes = ["dec-0001"]', b"TODO", b"<script>", b"&", b"../", b"/", b"%2e%2e",
    b"\xef\xbb\xbf", b"* ", b"1. ", b"> ", b"    ", b"[x]: ", b"<http://", b"![i](x.png)",
    b"{#id}", b"<div>", b"</div>", b"<b id=1>", b"</b>", b"<table><td>", b"</td>",
    b"<object>", b"<svg><path/>", b"<textarea>", b"<p>", b"<li>",
]


def mutate(rng, data):
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        at = rng.randint(0, len(data))
        if op == 0 and data:
            data = data[:at] + data[at + rng.randint(1, 40):]
        elif op == 1:
            data = data[:at] + rng.choice(TOKENS) + data[at:]
        elif op == 2:
            data = data[:at] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + data[at:]
        elif op == 3:
            data = data[:at]
        elif op == 4 and data:
            other = rng.randint(0, len(data))
            data = data[:at] + data[min(at, other):max(at, other)][:200] + data[at:]
        elif op == 5:
            lines = data.split(b"\n")
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(lines))
            data = b"\n".join(lines)
        elif op == 6:
            lines = data.split(b"\n")
            del lines[rng.randrange(len(lines))]
            data = b"\n".join(lines)
    return data


def mutate_body(rng, data):
    """Mutates what follows the frontmatter of a Markdown document, else the whole file."""
    for fence in (b"+++", b"---"):
        if data.startswith(fence):
            end = data.find(b"\n" + fence, 3)
            if end > 0:
                cut = end + 4
                return data[:cut] + mutate(rng, data[cut:])
    return mutate(rng, data)


def run(args):
    try:
        proc = subprocess.run([ALIGN] + args, capture_output=True, timeout=60,
                              env={**os.environ, "RUST_BACKTRACE": "0"})
        return proc.returncode, proc.stderr
    except subprocess.TimeoutExpired:
        return "timeout", b""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("project")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--body", action="store_true")
    parser.add_argument("--keep", default="fuzz/mutate-failures")
    opts = parser.parse_args()
    if not os.path.exists(ALIGN):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rng = random.Random(opts.seed)
    files = sorted(os.path.relpath(os.path.join(d, f), opts.project)
                   for d, _, names in os.walk(opts.project) for f in names)
    codes = collections.Counter()
    failures = 0
    for n in range(opts.runs):
        with tempfile.TemporaryDirectory(dir="/dev/shm" if os.path.isdir("/dev/shm") else None) as tmp:
            project = os.path.join(tmp, "p")
            shutil.copytree(opts.project, project, symlinks=True)
            for name in rng.sample(files, min(len(files), rng.randint(1, 3))):
                path = os.path.join(project, name)
                with open(path, "rb") as f:
                    data = f.read()
                change = mutate_body if opts.body and name.endswith(".md") else mutate
                with open(path, "wb") as f:
                    f.write(change(rng, data))
            build = run(["build", project, "--out", os.path.join(tmp, "out"), "--quiet"])
            check = run(["check", project])
            codes[build[0]] += 1
            problem = None
            for what, (code, stderr) in (("build", build), ("check", check)):
                if code not in (0, 1, 2) or b"panicked" in stderr:
                    problem = f"{what} exited {code}"
            if problem is None and build[0] != check[0]:
                problem = f"build exited {build[0]}, check {check[0]}"
            if problem:
                failures += 1
                keep = os.path.join(opts.keep, f"seed{opts.seed}-run{n}")
                shutil.copytree(project, keep, dirs_exist_ok=True)
                print(f"{problem}: kept in {keep}\n{build[1][-600:].decode('utf-8', 'replace')}", flush=True)
    print(f"{opts.runs} runs, {failures} failures; build exit codes {dict(codes)}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
