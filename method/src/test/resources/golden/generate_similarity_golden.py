#!/usr/bin/env python3
"""Golden vectors for dev.srlstream.method.reward.SequenceSimilarity.

Writes similarity-golden.jsonl next to this script: one JSON object per line with the pair
(a, b), their lengths in code points, and CPython's

    difflib.SequenceMatcher(None, a, b, autojunk=True).ratio()
    difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()

each as repr() (shortest round-trip decimal) and float.hex(). The output is deterministic (fixed
seed, no set iteration order) so a re-run must reproduce the committed file byte for byte:

    python3 scorer-stream/src/test/resources/golden/generate_similarity_golden.py
    git diff --exit-code scorer-stream/src/test/resources/golden/similarity-golden.jsonl

The Java test asserts bit-identical doubles for every line in both modes.
"""

import difflib
import json
import os
import random
import sys
import unicodedata

SEED = 2510_25992
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "similarity-golden.jsonl")

if sys.version_info[:2] != (3, 11) and "--any-python" not in sys.argv:
    sys.exit(f"the golden vectors are CPython 3.11's; this is {sys.version.split()[0]} "
             "(pass --any-python to override)")

rng = random.Random(SEED)


def ratio(a, b, autojunk):
    return difflib.SequenceMatcher(None, a, b, autojunk=autojunk).ratio()


def rand_str(alphabet, lo, hi):
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(lo, hi)))


# --- realistic material -------------------------------------------------------------------------

VARS = ["x", "y", "n", "k", "a", "b", "t", "m"]


def math_step():
    v = rng.choice(VARS)
    p, q, r, s = (rng.randint(1, 99) for _ in range(4))
    templates = [
        f"Subtract {p} from both sides: ${q}{v} = {r} - {p} = {r - p}$.",
        f"Divide both sides by {q} to get ${v} = \\frac{{{r}}}{{{q}}}$.",
        f"Multiply both sides by {p}: ${p}({v} + {q}) = {p * (r + q)}$, so ${v} + {q} = {r + q}$.",
        f"Expand $({v} + {p})^2 = {v}^2 + {2 * p}{v} + {p * p}$.",
        f"Since $\\frac{{{p}}}{{{q}}} + \\frac{{{r}}}{{{s}}} = \\frac{{{p * s + r * q}}}{{{q * s}}}$, "
        f"the sum simplifies.",
        f"By the Pythagorean theorem, $c^2 = {p}^2 + {q}^2 = {p * p + q * q}$.",
        f"The number of ways to choose {min(p, q)} items from {max(p, q)} is "
        f"$\\binom{{{max(p, q)}}}{{{min(p, q)}}}$.",
        f"Let ${v}$ be the number of apples; then ${p}{v} + {q} = {r}$.",
        f"Substitute ${v} = {p}$ into the second equation: ${q} \\cdot {p} - {r} = {q * p - r}$.",
        f"Therefore the answer is $\\boxed{{{p * q - r}}}$.",
        f"Taking logarithms, $\\log_{{{p % 9 + 2}}} {q} = {v}$.",
        f"The sum of the arithmetic series is $\\frac{{{p}({p} + 1)}}{{2}} = {p * (p + 1) // 2}$.",
        f"We have $f({v}) = {p}{v}^3 - {q}{v} + {r}$, so $f'({v}) = {3 * p}{v}^2 - {q}$.",
        f"Modulo {s}, ${p}^{{{q}}} \\equiv {pow(p, q, s)}$.",
    ]
    return rng.choice(templates)


def shell_step():
    word = rng.choice(["TODO", "error", "main", "import", "def ", "kafka", "srl"])
    path = rng.choice(["src/", ".", "/var/log", "~/project", "scorer-stream/src/main/java"])
    n = rng.randint(1, 50)
    templates = [
        f"grep -rn '{word}' {path} | wc -l",
        f"find {path} -name '*.py' -exec sed -i 's/{word.strip()}/new_{word.strip()}/g' {{}} +",
        f"git commit -am \"fix: handle {word.strip()} in step {n}\"",
        f"awk -F, '{{print ${n % 9 + 1}}}' data.csv | sort | uniq -c | sort -rn | head -{n}",
        f"cd {path} && tar xzf archive-{n}.tar.gz && ls -la",
        f"python3 -m pytest -x -k test_{word.strip().lower()} -q",
        f"curl -s http://127.0.0.1:{8000 + n}/health | jq '.status'",
        f"ps aux | grep java | awk '{{print $2}}' | head -{n}",
        f"mvn -o -B -pl scorer-stream -am verify -Dtest=Case{n}Test",
        f"cat {path}/notes.txt | tr 'a-z' 'A-Z' > /tmp/out{n}.txt",
        f"for f in *.log; do gzip -9 \"$f\"; done  # {n} files",
        f"echo '{{\"id\": {n}, \"word\": \"{word.strip()}\"}}' | python3 -m json.tool",
    ]
    return rng.choice(templates)


def prose(length, steps):
    out = []
    while sum(len(s) + 1 for s in out) < length:
        out.append(steps())
    return "\n".join(out)


def mutate(s, edits=None):
    """A few random edits: what a policy's action looks like next to the expert's."""
    s = list(s)
    pool = list("abcdefghijklmnopqrstuvwxyz0123456789 =+-()$\\{}")
    for _ in range(edits if edits is not None else rng.randint(1, 6)):
        op = rng.random()
        pos = rng.randint(0, len(s))
        if op < 0.3 and s:
            del s[pos:pos + rng.randint(1, 5)]
        elif op < 0.55:
            s[pos:pos] = rng.choices(pool, k=rng.randint(1, 5))
        elif op < 0.75 and s:
            s[min(pos, len(s) - 1)] = rng.choice(pool)
        elif op < 0.9 and len(s) > 4:
            i, j = sorted(rng.sample(range(len(s)), 2))
            s[i:j] = s[i:j][::-1]
        else:
            s = s[: max(0, len(s) - rng.randint(1, 10))]
    return "".join(s)


# --- unicode material ---------------------------------------------------------------------------

GREEK = "αβγδεζηθικλμνξοπρστυφχψω"
CYRILLIC = "абвгдежзийклмнопрст"
CJK = "的一是不了人我在有他这中大来上"
EMOJI = ["\U0001F600", "\U0001F680", "\U0001F4A1", "\u2764\ufe0f", "\U0001F44D\U0001F3FD",
         "\U0001F468\u200d\U0001F469\u200d\U0001F467", "\U0001F1EB\U0001F1F7", "\u2728"]
MATH_ALNUM = [chr(c) for c in list(range(0x1D400, 0x1D41A)) + list(range(0x1D538, 0x1D550))
              if unicodedata.category(chr(c)) != "Cn"]
COMBINING = [chr(c) for c in range(0x0300, 0x0370)]
ACCENTED = "éèêëàâäîïôöùûüçñÉÀ"


def unicode_str(lo, hi):
    kind = rng.random()
    n = rng.randint(lo, hi)
    out = []
    for _ in range(n):
        r = rng.random()
        if kind < 0.25:  # math: latin and math alphanumerics
            out.append(rng.choice(MATH_ALNUM) if r < 0.5 else rng.choice("xyz+-= ()"))
        elif kind < 0.5:  # emoji and ascii
            out.append(rng.choice(EMOJI) if r < 0.4 else rng.choice("ab !?"))
        elif kind < 0.75:  # combining marks on letters
            out.append(rng.choice("aeiou") + (rng.choice(COMBINING) if r < 0.5 else ""))
        else:  # scripts
            out.append(rng.choice(GREEK + CYRILLIC + CJK + ACCENTED + " "))
    return "".join(out)


# --- a variant, only to pick vectors -----------------------------------------------------------


def ratio_without_growth(a, b, backward, forward):
    """difflib's autojunk ratio, optionally without growing a match over popular elements before
    (backward=False) or after (forward=False) it. Used only to select vectors whose value depends
    on that growth; with both flags on it must equal difflib (checked below)."""
    n = len(b)
    index = {}
    for j, e in enumerate(b):
        index.setdefault(e, []).append(j)
    if n >= 200:
        index = {e: js for e, js in index.items() if len(js) <= n // 100 + 1}

    def longest(alo, ahi, blo, bhi):
        bi, bj, bk = alo, blo, 0
        runs = {}
        for i in range(alo, ahi):
            ending_here = {}
            for j in index.get(a[i], ()):
                if blo <= j < bhi:
                    k = ending_here[j] = runs.get(j - 1, 0) + 1
                    if k > bk:
                        bi, bj, bk = i - k + 1, j - k + 1, k
            runs = ending_here
        while backward and bi > alo and bj > blo and a[bi - 1] == b[bj - 1]:
            bi, bj, bk = bi - 1, bj - 1, bk + 1
        while forward and bi + bk < ahi and bj + bk < bhi and a[bi + bk] == b[bj + bk]:
            bk += 1
        return bi, bj, bk

    matched = 0
    todo = [(0, len(a), 0, n)]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        i, j, k = longest(alo, ahi, blo, bhi)
        if k:
            matched += k
            if alo < i and blo < j:
                todo.append((alo, i, blo, j))
            if i + k < ahi and j + k < bhi:
                todo.append((i + k, ahi, j + k, bhi))
    total = len(a) + n
    return 2.0 * matched / total if total else 1.0


# --- the vectors --------------------------------------------------------------------------------

vectors = []


def add(category, a, b):
    vectors.append((category, a, b))


def add_both_orders(category, a, b):
    add(category, a, b)
    add(category, b, a)


# Short random strings over small alphabets: tie-breaking between equally long matches.
for _ in range(1200):
    alphabet = rng.choice(["ab", "abc", "abcd", "abcdefgh", "01", " a", "ab \n",
                           "abcdefghijklmnopqrstuvwxyz"])
    add("short-random", rand_str(alphabet, 0, 40), rand_str(alphabet, 0, 40))

# Random strings over printable ASCII.
for _ in range(200):
    alphabet = [chr(c) for c in range(32, 127)]
    add("random-ascii", rand_str(alphabet, 0, 300), rand_str(alphabet, 0, 300))

# Empty strings on either or both sides.
add("empty", "", "")
for n in [1, 2, 5, 40, 199, 200, 250, 1200]:
    s = rand_str("abc ", n, n)
    add("empty", "", s)
    add("empty", s, "")
add("empty", "", "\U0001F600" * 3)
add("empty", "\U0001F600" * 3, "")

# Identical strings, short to long, including all-popular ones.
for n in [1, 2, 10, 199, 200, 201, 300, 1000, 1500]:
    add("identical", rand_str("ab", n, n), None)
    add("identical", rand_str("abcdefghij ", n, n), None)
for _ in range(40):
    add("identical", prose(rng.randint(20, 1200), rng.choice([math_step, shell_step])), None)
for _ in range(20):
    add("identical", unicode_str(0, 400), None)
add("identical", " " * 500, None)
add("identical", "ab" * 600, None)

# Repetitive text: periodic strings, runs of spaces, a different element lost in a long run.
for _ in range(60):
    unit = rng.choice(["ab", "abc", "a", " ", "ab ", "xyzzy", "0 1 "])
    a = unit * rng.randint(10, 400)
    b = mutate(unit * rng.randint(10, 400), rng.randint(0, 4))
    add_both_orders("repetitive", a[:1300], b[:1300])
for _ in range(40):
    n = rng.randint(150, 1100)
    run = " " * n
    i, j = rng.randint(0, n), rng.randint(0, n)
    add_both_orders("repetitive", run[:i] + "x" + run[i:], run[:j] + "x" + run[j:] + "y")
for _ in range(30):
    words = [math_step() for _ in range(3)]
    spaced = "   ".join(words) + " " * rng.randint(0, 300)
    add("repetitive", spaced, mutate(spaced))

# The autojunk threshold: len(b) around 200 and element counts around len(b) // 100 + 1.
for n in [198, 199, 200, 201, 202, 299, 300, 301, 399, 400]:
    ntest = n // 100 + 1
    for count in [ntest - 1, ntest, ntest + 1, ntest + 2]:
        filler = [rng.choice("bcdefghijklmnopqrstuvwxyz") for _ in range(n - count)]
        for _ in range(count):
            filler.insert(rng.randint(0, len(filler)), "a")
        b = "".join(filler)
        add("autojunk-threshold", mutate(b, 3), b)
        add("autojunk-threshold", "aaaa" + b[: n // 3], b)

# Long realistic text (200+ and 1000+ code points) against a mutated copy or another text.
for _ in range(250):
    steps = rng.choice([math_step, shell_step])
    b = prose(rng.randint(200, 600), steps)
    a = mutate(b, rng.randint(1, 20)) if rng.random() < 0.8 else prose(rng.randint(20, 600), steps)
    add("long-text", a, b)
for _ in range(60):
    steps = rng.choice([math_step, shell_step])
    b = prose(rng.randint(1000, 2000), steps)
    a = mutate(b, rng.randint(5, 60)) if rng.random() < 0.8 else prose(rng.randint(200, 1500), steps)
    add("long-text", a, b)

# Long random strings over small alphabets: every element is popular with autojunk.
for _ in range(40):
    alphabet = rng.choice(["ab", "abc", "abcdef", "abcdefghijklmnop", "0123456789 "])
    add("long-random", rand_str(alphabet, 200, 700), rand_str(alphabet, 200, 700))
for _ in range(8):
    alphabet = rng.choice(["abcdefghijklmnop", "0123456789 ", "abcdefghijklmnopqrstuvwxyz"])
    add("long-random", rand_str(alphabet, 1000, 1200), rand_str(alphabet, 1000, 1200))

# Matches grown over popular elements: the value depends on growing backwards (or forwards).
add("popular-extension", "xQPPz", "xRPPz" + "P" * 300)
backward_only = forward_only = 0
while backward_only < 40 or forward_only < 20:
    rare = "abcdefghijklmnopqrstuvwxyz0123456789"
    b = "".join(rng.choice(" e" * 20 + rare) for _ in range(rng.randint(200, 320)))
    a = list(b)
    for _ in range(rng.randint(1, 30)):
        a[rng.randrange(len(a))] = rng.choice(rare + " e")
    a = "".join(a)
    exact = ratio(a, b, True)
    assert exact == ratio_without_growth(a, b, True, True), (a, b)
    if backward_only < 40 and exact != ratio_without_growth(a, b, False, True):
        add("popular-extension", a, b)
        backward_only += 1
    elif forward_only < 20 and exact != ratio_without_growth(a, b, True, False):
        add("popular-extension", a, b)
        forward_only += 1

# Pairs where the argument order matters because only the second sequence is long.
asymmetric = 0
while asymmetric < 120:
    steps = rng.choice([math_step, shell_step])
    long_text = prose(rng.randint(200, 900), steps)
    short_text = mutate(steps(), rng.randint(0, 4))
    if ratio(short_text, long_text, True) != ratio(long_text, short_text, True):
        add_both_orders("asymmetric", short_text, long_text)
        asymmetric += 1

# Pairs where autojunk changes the ratio.
changed = 0
while changed < 150:
    steps = rng.choice([math_step, shell_step])
    b = prose(rng.randint(200, 800), steps)
    a = mutate(b, rng.randint(1, 30)) if rng.random() < 0.5 else prose(rng.randint(50, 800), steps)
    if ratio(a, b, True) != ratio(a, b, False):
        add("autojunk-changes", a, b)
        changed += 1

# Unicode: non-BMP (emoji, math alphanumerics), combining marks, several scripts.
for _ in range(300):
    a = unicode_str(0, 60)
    add("unicode", a, mutate(a, 2) if rng.random() < 0.3 else unicode_str(0, 60))
for _ in range(60):
    b = unicode_str(150, 500)
    add("unicode-long", mutate(b, 3) if rng.random() < 0.5 else unicode_str(100, 500), b)
# 150 emoji are 300 UTF-16 units but 150 code points: autojunk must not apply.
for n in [120, 150, 199, 200, 260]:
    b = "".join(rng.choice(["\U0001F600", "\U0001F680", "x"]) for _ in range(n))
    add("unicode-long", mutate(b, 2), b)
    add("unicode-long", "\U0001F600" * (n // 3) + "x", b)
for _ in range(60):
    word = "".join(rng.choice(ACCENTED + "abcde") for _ in range(rng.randint(1, 30)))
    add("unicode-normalisation", unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word))

# Realistic single steps: an action against the expert step.
for _ in range(400):
    expert = math_step()
    r = rng.random()
    action = mutate(expert) if r < 0.6 else (math_step() if r < 0.9 else expert.upper())
    add("math-step", action, expert)
for _ in range(300):
    expert = shell_step()
    r = rng.random()
    action = mutate(expert) if r < 0.6 else (shell_step() if r < 0.9 else " " + expert + " ")
    add("shell-step", action, expert)

# A close paraphrase of a long (226-character) expert step: the case that made autojunk=False the
# reward's default. With autojunk the expert step's popular characters (space, e, s, ...) cannot
# seed a match, and the ratio falls from 0.67 to 0.14. Added last, without the random generator,
# so every vector above is unchanged.
add("long-step-paraphrase",
    "To find x in 3x + 7 = 22, take 7 away from each side, which leaves 3x = 15; "
    "then divide each side by 3, so x = 5. As a check, 3 times 5 is 15 and adding 7 "
    "makes 22, equal to the right side, so the answer x = 5 holds.",
    "We need the value of x in 3x + 7 = 22. Subtracting 7 from both sides gives 3x = 15, "
    "and dividing both sides by 3 gives x = 5. Checking: 3 times 5 is 15, plus 7 is 22, "
    "which matches the right-hand side, so the answer is: x = 5.")


def main():
    counts = {}
    aj_changes = 0
    with open(OUT, "w", encoding="utf-8", newline="\n") as out:
        for index, (category, a, b) in enumerate(vectors):
            if b is None:
                b = a
            with_aj = ratio(a, b, True)
            without_aj = ratio(a, b, False)
            aj_changes += with_aj != without_aj
            counts[category] = counts.get(category, 0) + 1
            record = {
                "id": index,
                "category": category,
                "a": a,
                "b": b,
                "len_a": len(a),
                "len_b": len(b),
                "autojunk": repr(with_aj),
                "autojunk_hex": with_aj.hex(),
                "no_autojunk": repr(without_aj),
                "no_autojunk_hex": without_aj.hex(),
            }
            out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(vectors)} vectors -> {OUT}")
    print(f"autojunk changes the ratio in {aj_changes}")
    for category in sorted(counts):
        print(f"  {category:24} {counts[category]}")


main()
