#!/usr/bin/env python3
"""Generates hostile knowledge bases for bench/fuzz.sh: one folder per case, deterministic from
(seed, index). Each case mixes a few of the attack classes kb was broken with before (deep
nesting, YAML aliases and depth, huge numbers in attributes, wide tables, big diagrams, script
URLs, control characters in names, invalid UTF-8, recursive partials, long lines of code spans,
odd front matter) with random Markdown noise, so that new combinations are tried every run.

    gen.py OUT_DIR SEED COUNT
"""
import os
import random
import sys


def deep_list(r):
    return "- " * r.randint(100, 8000) + "x\n"


def deep_quote(r):
    return "> " * r.randint(100, 15000) + "x\n"


def deep_emphasis(r):
    n = r.randint(100, 6000)
    return "*a " * n + "x" + " a*" * n + "\n"


def deep_links(r):
    n = r.randint(100, 6000)
    return "[" * n + "x" + "](y)" * n + "\n"


def code_spans(r):
    return "`a` " * r.randint(1000, 120000) + "\n"


def wide_table(r):
    n = r.randint(50, 3000)
    return "|" + "a|" * n + "\n|" + "-|" * n + "\n|" + "b|" * n + "\n"


def big_dot(r):
    n = r.randint(100, 4000)
    return "```dot\ndigraph g {\n" + "".join(f"n{i} -> n{i + 1};\n" for i in range(n)) + "}\n```\n"


def script_url(r):
    scheme = r.choice(["javascript:alert(1)", "JaVaScRiPt:x", "java\tscript:x", "vbscript:x", "data:text/html,x", "file:///etc/passwd"])
    return r.choice([f"[x]({scheme})\n", f"![x]({scheme})\n", f"```dot\ndigraph {{ a [URL=\"{scheme}\"] }}\n```\n", f"<{scheme}>\n"])


def attributes(r):
    value = r.choice(["1e308s", "nan", "inf", "-1s", "99999999999999999999h", "0", "1" * 40, "1e-9ms", "10q", ""])
    key = r.choice(["timeout", "cpu", "memory", "filesize", "processes", "os", "match", "ci", "effect", "admin"])
    return f"```sh example id=x {key}={value}\necho hi\n```\n"


def mermaid(r):
    n = r.randint(10, 3000)
    return "```mermaid\nflowchart TD\n" + "".join(f"  A{i} --> A{i + 1}\n" for i in range(n)) + "```\n"


def noise(r):
    pieces = ["# Heading\n", "text *em* **strong** `code`\n", "1. one\n2. two\n", "| a | b |\n|---|---|\n| 1 | 2 |\n",
              "```sh\necho $HOME\n```\n", "<div>raw</div>\n", "[link](other.md#nowhere)\n", "[kb](kb:missing)\n",
              "\u200b\u202e reversed\n", "\\" * r.randint(1, 50) + "\n", "~~~\nunclosed fence\n", "[^1]\n\n[^1]: note\n"]
    return "".join(r.choice(pieces) for _ in range(r.randint(1, 12)))


BODY_ATTACKS = [deep_list, deep_quote, deep_emphasis, deep_links, code_spans, wide_table, big_dot, script_url, attributes, mermaid]


def front_matter(r):
    kind = r.randint(0, 7)
    if kind == 0:  # alias bomb, sometimes as a key
        out = "title: t\na: &a [x,x,x,x,x,x,x,x,x]\n"
        prev = "a"
        for i in range(1, r.randint(3, 12)):
            out += f"b{i}: &b{i} [" + ",".join([f"*{prev}"] * 9) + "]\n"
            prev = f"b{i}"
        if r.random() < 0.5:
            out += f"? *{prev}\n: 1\n"
        return out
    if kind == 1:
        n = r.randint(100, 20000)
        return "title: " + "[" * n + "]" * n + "\n"
    if kind == 2:
        return "title: t\n" + "".join(" " * i + f"k{i}:\n" for i in range(r.randint(50, 3000))) + "\n"
    if kind == 3:
        return "title: t\nerrors:\n" + "".join(f"  - {{regex: \"{r.choice(['(a+)+$', '(', '[', '(?<x>', 'a{99999}'])}\"}}\n" for _ in range(r.randint(1, 20)))
    if kind == 4:
        return "title: t\nkind: " + r.choice(["symptom", "Symptom", "nope", "[]", "{}"]) + "\ncauses: [" + ",".join("c%d" % i for i in range(r.randint(0, 3000))) + "]\n"
    if kind == 5:
        return "title: \"" + "x" * r.randint(1, 300000) + "\"\n"
    if kind == 6:
        return "title: t\nupdated: " + r.choice(["2026-13-45", "yesterday", "99999-01-01", "2026-02-30"]) + "\n"
    return "title: t\nerrors:\n  - {text: \"a\", os: " + r.choice(["windows", "[windows, linux]", "dos", "[]", "{}"]) + "}\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def case(out, seed, index):
    r = random.Random(seed * 1_000_003 + index)
    root = os.path.join(out, f"case-{index:05d}")
    content = os.path.join(root, "Content")
    os.makedirs(content, exist_ok=True)
    for n in range(r.randint(1, 3)):
        body = noise(r)
        for attack in r.sample(BODY_ATTACKS, r.randint(0, 2)):
            body += attack(r)
        fm = front_matter(r) if r.random() < 0.5 else "title: T\n"
        text = ("---\n" + fm + "---\n" if r.random() < 0.8 else "") + body
        data = text.encode("utf-8", "surrogatepass")
        if r.random() < 0.1:  # invalid UTF-8 somewhere
            cut = r.randint(0, len(data))
            data = data[:cut] + bytes([r.choice([0xFF, 0xC0, 0xED, 0x80])]) + data[cut:]
        name = f"a{n}.md"
        if r.random() < 0.1:
            name = r.choice(["x\ntouch INJECTED\n.md", "javascript:alert(1).md", "http:colon.md", "a" * 240 + ".md", "..md", " .md", "\u202egpj.md"])
        write(os.path.join(content, name), data)
    if r.random() < 0.15:
        templates = os.path.join(root, "Templates")
        write(os.path.join(templates, "footer.mustache"), b"{{> footer}}\n" if r.random() < 0.5 else b"{{> other}}\n")
        write(os.path.join(templates, "other.mustache"), b"{{> footer}}\n")
    if r.random() < 0.2:
        write(os.path.join(root, "kb.yml"), front_matter(r).encode())


if __name__ == "__main__":
    out, seed, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    for i in range(count):
        case(out, seed, i)
