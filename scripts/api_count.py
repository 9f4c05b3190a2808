#!/usr/bin/env python3
"""Counts the public items of a crate from its rustdoc pages (all.html):
modules, structs, enums, traits, functions, type aliases, constants, statics
and macros, re-exported ones included; methods, fields and variants are parts
of their items and not counted. Fails when the count is over the limit.

    python3 scripts/api_count.py target/doc/netspec/all.html 60
"""
import re
import sys


def count(path):
    text = open(path, encoding="utf-8").read()
    sections = re.findall(r'<h3 id="([a-z-]+)">[^<]*</h3><ul class="all-items">(.*?)</ul>', text, re.S)
    items = {}
    for kind, body in sections:
        items[kind] = re.findall(r'<a href="[^"]*">([^<]*)</a>', body)
    # modules are not listed in all.html: every `a::b` item names its module
    modules = sorted({name.rsplit("::", 1)[0] for names in items.values() for name in names if "::" in name})
    items["modules"] = modules
    return items


def main():
    path, limit = sys.argv[1], int(sys.argv[2])
    items = count(path)
    total = sum(len(v) for v in items.values())
    for kind, names in sorted(items.items()):
        print(f"{kind:10} {len(names):3}  {', '.join(names)}")
    print(f"total      {total:3}  (limit {limit})")
    if total > limit:
        print(f"error: {total} public items, more than {limit}", file=sys.stderr)
        sys.exit(1)


main()
