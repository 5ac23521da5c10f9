#!/usr/bin/env python3
"""The CPython side of similarity-vs-cpython.sh.

    similarity_bench.py generate OUT.jsonl N SEED   pairs (action, expert step), realistic lengths
    similarity_bench.py time PAIRS.jsonl OUT.txt     CPython's ratio of every pair, timed
    similarity_bench.py compare PY.txt JAVA.txt      counts values that differ

Ratios are written one per line as the 16 hex digits of the IEEE-754 bits, so "identical" means
bit for bit. Only the ratio loop is timed, not reading or writing files.
"""

import difflib
import json
import random
import struct
import sys
import time

MATH = [
    "Subtract {p} from both sides: ${q}x = {r} - {p} = {s}$.",
    "Divide both sides by {q} to get $x = \\frac{{{r}}}{{{q}}}$.",
    "Expand $(x + {p})^2 = x^2 + {q}x + {r}$.",
    "By the Pythagorean theorem, $c^2 = {p}^2 + {q}^2 = {r}$.",
    "Substitute $y = {p}$ into the second equation: ${q} \\cdot {p} - {r} = {s}$.",
    "Therefore the answer is $\\boxed{{{s}}}$.",
    "The sum of the series is $\\frac{{{p}({p} + 1)}}{{2}} = {s}$.",
    "Let $n$ be the number of marbles in the bag, so that ${p}n + {q} = {r}$.",
]
SHELL = [
    "grep -rn 'TODO' src/ | wc -l",
    "find . -name '*.py' -exec sed -i 's/foo{p}/bar{q}/g' {{}} +",
    "awk -F, '{{print ${p}}}' data.csv | sort | uniq -c | sort -rn | head -{q}",
    "git commit -am \"fix: handle step {p} in the scorer\"",
    "curl -s http://127.0.0.1:{r}/health | jq '.status'",
    "mvn -o -B -pl scorer-stream -am verify -Dtest=Case{p}Test",
    "cd /tmp && tar xzf archive-{p}.tar.gz && ls -la",
]
NOISE = "abcdefghijklmnopqrstuvwxyz0123456789 =+-()$\\{}"


def text(rng, length):
    templates = rng.choice([MATH, SHELL])
    out = ""
    while len(out) < length:
        p, q, r, s = (rng.randint(1, 999) for _ in range(4))
        out += (" " if out else "") + rng.choice(templates).format(p=p, q=q, r=r, s=s)
    return out[:length]


def mutate(rng, s):
    s = list(s)
    for _ in range(rng.randint(1, max(1, len(s) // 15))):
        pos = rng.randint(0, len(s))
        op = rng.random()
        if op < 0.35 and s:
            del s[pos:pos + rng.randint(1, 4)]
        elif op < 0.7:
            s[pos:pos] = rng.choices(NOISE, k=rng.randint(1, 4))
        elif s:
            s[min(pos, len(s) - 1)] = rng.choice(NOISE)
    return "".join(s)


def generate(out, n, seed):
    rng = random.Random(seed)
    with open(out, "w", encoding="utf-8") as f:
        for _ in range(n):
            # Step lengths 20-400, log-uniform: most steps short, about a fifth past 200 (autojunk).
            length = int(round(20 * (20 ** rng.random())))
            expert = text(rng, length)
            kind = rng.random()
            if kind < 0.70:
                action = mutate(rng, expert)
            elif kind < 0.90:
                action = text(rng, int(round(20 * (20 ** rng.random()))))
            elif kind < 0.95:
                action = expert
            else:
                action = rng.choice(["", "x", "???", "\U0001F600 no idea"])
            f.write(json.dumps({"a": action, "b": expert}, ensure_ascii=False) + "\n")


def bits(x):
    return struct.pack(">d", x).hex()


def time_cpython(pairs_path, out):
    with open(pairs_path, encoding="utf-8") as f:
        pairs = [(p["a"], p["b"]) for p in map(json.loads, f)]
    matcher = difflib.SequenceMatcher
    start = time.perf_counter()
    ratios = [matcher(None, a, b).ratio() for a, b in pairs]
    seconds = time.perf_counter() - start
    with open(out, "w") as f:
        f.writelines(bits(r) + "\n" for r in ratios)
    print(f"{seconds:.3f}")


def compare(py_path, java_path):
    with open(py_path) as f:
        py = f.read().split()
    with open(java_path) as f:
        java = f.read().split()
    if len(py) != len(java):
        print(f"length differs: python {len(py)}, java {len(java)}", file=sys.stderr)
        print(max(len(py), len(java)))
        return
    print(sum(x != y for x, y in zip(py, java)))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "generate":
        generate(args[0], int(args[1]), int(args[2]))
    elif command == "time":
        time_cpython(args[0], args[1])
    elif command == "compare":
        compare(args[0], args[1])
    else:
        sys.exit(f"unknown command {command}")
