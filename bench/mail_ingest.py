"""Mail ingestion speed: niche against Perceval's mbox backend on the same archive, in one run.

    python bench/mail_ingest.py ARCHIVE.mbox|FOLDER [--runs 3]
    python bench/mail_ingest.py --from-git REPO [--messages 20000] [--runs 3]

--from-git builds a real archive with `git format-patch --stdout` (a patch-mail list, as the
Linux kernel's): real authors, dates, encodings and diffs. Each run times, alternately, so that
machine noise hits all alike and each in its own process:
  - Perceval's mbox backend fetching every message (`pip install perceval` first);
  - niche parsing every message (split + parse, nothing stored): the like-for-like figure;
  - a full `niche sync mail` into a fresh database (people, roles, links included).
It prints the median times and the ratios Perceval / niche (the target is niche >= 5x faster).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NICHE_PARSE = """
import sys
from pathlib import Path
from niche.sources import mail
n = 0
root = Path(sys.argv[1])
for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
    with open(path, "rb") as f:
        for raw in mail.split_mbox(mail.open_archive(f)):
            if isinstance(raw, mail.RawMessage):
                n += isinstance(mail.parse_message(raw, "x"), mail.Message)
print(n)
"""

PERCEVAL_FETCH = """
import sys
from perceval.backends.core.mbox import MBox
n = 0
for _ in MBox(uri="bench", dirpath=sys.argv[1]).fetch():
    n += 1
print(n)
"""


def timed(command: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{command[:3]} failed:\n{done.stderr[-2000:]}")
    return elapsed, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def archive_from_git(repo: Path, messages: int, folder: Path) -> Path:
    path = folder / "patches.mbox"
    with path.open("wb") as out:
        command = ["git", "-C", str(repo), "format-patch", "--thread=shallow", "--stdout", f"-{messages}", "HEAD"]
        subprocess.run(command, stdout=out, check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("archive", nargs="?", type=Path)
    parser.add_argument("--from-git", type=Path, help="build the archive from this repository's history")
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        if args.from_git:
            archive = archive_from_git(args.from_git, args.messages, folder)
        elif args.archive and args.archive.is_dir():
            archive = folder = args.archive.resolve()  # a folder of archives, e.g. pipermail months
        elif args.archive:
            archive = folder / args.archive.name
            archive.symlink_to(args.archive.resolve())
        else:
            parser.error("give an ARCHIVE or --from-git REPO")
        size = sum(p.stat().st_size for p in archive.rglob("*")) if archive.is_dir() else archive.stat().st_size
        times: dict[str, list[float]] = {"perceval": [], "niche parse": [], "niche sync": []}
        counts: dict[str, str] = {}
        for run in range(args.runs):
            db = Path(tmp) / f"run{run}.duckdb"
            commands = {
                "perceval": [sys.executable, "-c", PERCEVAL_FETCH, str(folder)],
                "niche parse": [sys.executable, "-c", NICHE_PARSE, str(archive)],
                "niche sync": [sys.executable, "-m", "niche", "--db", str(db), "sync", "mail", str(archive)],
            }
            for name, command in commands.items():
                elapsed, out = timed(command)
                times[name].append(elapsed)
                counts.setdefault(name, out)
        print(f"archive: {archive.name}, {size / 1e6:.1f} MB; messages: perceval {counts['perceval']}, "
              f"niche {counts['niche parse']}; {args.runs} runs, medians:")  # fmt: skip
        median = {name: statistics.median(t) for name, t in times.items()}
        for name, value in median.items():
            print(f"  {name:12} {value:8.2f} s")
        print(f"perceval / niche parse: {median['perceval'] / median['niche parse']:.1f}x (target >= 5x)")
        print(f"perceval / niche sync:  {median['perceval'] / median['niche sync']:.1f}x")


if __name__ == "__main__":
    main()
