#!/usr/bin/env python3
"""Writes a deterministic synthetic KB of N typed articles for bench/synth.sh.

    bench/synth.py N DIR

Every kind (symptom, cause, fix, runbook, concept, reference), 100 articles a section, one Chinese
translation for every tenth article, typed links (a symptom's causes, see_also within and across
sections), error texts, code blocks and bodies of realistic size (150–700 words, Zipf-distributed
vocabulary so postings look like real text). The same N always gives the same files.
"""
import os
import random
import sys

KINDS = ["symptom"] * 25 + ["cause"] * 35 + ["fix"] * 5 + ["runbook"] * 10 + ["concept"] * 15 + ["reference"] * 10
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "shi", "pe", "go", "da", "ve", "xo", "zu", "bi", "fa", "qe", "wy", "ha"]
HAN = "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切"

rng = random.Random(20261130)
words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.choice([2, 2, 3, 3, 4]))) for _ in range(30000)})
rng.shuffle(words)
weights = [1.0 / (i + 1) ** 0.95 for i in range(len(words))]
cumulative = []
total = 0.0
for w in weights:
    total += w
    cumulative.append(total)


def word(r):
    x = r.random() * total
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return words[lo]


def sentence(r, n):
    s = " ".join(word(r) for _ in range(n))
    return s[0].upper() + s[1:] + "."


def han(r, n):
    return "".join(r.choice(HAN) for _ in range(n)) + "。"


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    sections = max(1, (n + 99) // 100)
    slugs = []
    for i in range(n):
        slugs.append((f"s{i // 100:04d}", f"a{i:06d}-{KINDS[i % len(KINDS)]}", KINDS[i % len(KINDS)]))
    by_kind = {}
    for sec, slug, kind in slugs:
        by_kind.setdefault((sec, kind), []).append(slug)
    every_cause = [slug for _, slug, kind in slugs if kind == "cause"]
    every_fix = [slug for _, slug, kind in slugs if kind == "fix"]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "kb.yml"), "w") as f:
        f.write("title:\n  en: Synthetic KB\n  zh: 合成知识库\nlanguages:\n  en: English\n  zh: 中文\n")
    for s in range(sections):
        d = os.path.join(out, "Content", f"s{s:04d}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "_index.md"), "w") as f:
            f.write(f"---\ntitle: Section {s}\nsummary: Articles {s * 100} to {s * 100 + 99}.\n---\n\nSection {s}.\n")
        with open(os.path.join(d, "_index.zh.md"), "w") as f:
            f.write(f"---\ntitle: 第 {s} 部分\nsummary: 第 {s * 100} 到 {s * 100 + 99} 篇。\n---\n\n第 {s} 部分。\n")
    for i, (sec, slug, kind) in enumerate(slugs):
        r = random.Random(i)
        title = " ".join(word(r) for _ in range(r.randint(3, 7))).capitalize()
        lines = ["---", f"title: \"{title}\"", f"kind: {kind}", f"summary: {sentence(r, r.randint(8, 20))}",
                 "platforms: [linux, windows]", f"tools: [{word(r)}]", f"tags: [{word(r)}, {word(r)}]"]
        typed = []
        if kind == "symptom":
            typed.append("errors:")
            for e in range(r.randint(1, 3)):
                typed.append(f"  - \"{word(r)}: {word(r)} {word(r)} failed with code {1000 + (i * 7 + e) % 9000}\"")
            own = by_kind.get((sec, "cause")) or every_cause
            if own:
                typed.append(f"causes: [{', '.join(r.sample(own, min(len(own), r.randint(1, 3))))}]")
        if kind == "cause":
            own = by_kind.get((sec, "fix")) or every_fix
            if own:
                typed.append(f"fixes: [{r.choice(own)}]")
        if kind == "runbook":
            typed.append(f"alerts: [Synth{i:06d}Alert]")
            typed.append("severity: warning")
        lines += typed
        links = [slugs[r.randrange(n)][1] for _ in range(r.randint(0, 3))]
        links = [x for x in dict.fromkeys(links) if x != slug]
        if links:
            lines.append(f"see_also: [{', '.join(links)}]")
        lines.append("---")
        body = [""]
        for h in range(r.randint(2, 5)):
            body.append(f"## {' '.join(word(r) for _ in range(r.randint(2, 4))).capitalize()}")
            body.append("")
            for p in range(r.randint(1, 3)):
                body.append(" ".join(sentence(r, r.randint(6, 18)) for _ in range(r.randint(2, 5))))
                body.append("")
            if r.random() < 0.4:
                body.append("```text")
                body.extend(f"{word(r)} --{word(r)} {word(r)}/{word(r)}" for _ in range(r.randint(1, 4)))
                body.append("```")
                body.append("")
        if links:
            body.append(f"See [{links[0]}](../{next_sec(links[0])}/{links[0]}.md).")
            body.append("")
        path = os.path.join(out, "Content", sec, slug + ".md")
        with open(path, "w") as f:
            f.write("\n".join(lines + body))
        if i % 10 == 0:
            zh = ["---", f"title: \"{han(r, r.randint(4, 9))[:-1]}\"", f"kind: {kind}", f"summary: {han(r, r.randint(10, 30))}"]
            zh += typed
            zh.append("---")
            zh.append("")
            for p in range(r.randint(2, 6)):
                zh.append(han(r, r.randint(40, 160)))
                zh.append("")
            with open(os.path.join(out, "Content", sec, slug + ".zh.md"), "w") as f:
                f.write("\n".join(zh))


def next_sec(slug):
    return f"s{int(slug[1:7]) // 100:04d}"


if __name__ == "__main__":
    main()
