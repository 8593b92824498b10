#!/usr/bin/env python3
"""Prints a short, readable account of a message-capture-parser JSON file.

Python's json keeps 64-bit integers exact (jq 1.6 rounds them), so nonces and
service bits print as they were on the wire.
"""
import collections
import json
import sys


def bold(text):
    print(f"\n\033[1m{text}\033[0m" if sys.stdout.isatty() else f"\n== {text}")


def one_line(entry, width=150):
    body = entry.get("body")
    text = f"{entry['direction']:4}  {entry['msgtype']:12} " + ("" if body is None else json.dumps(body))
    return text if len(text) <= width else text[: width - 3] + "..."


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: show_capture.py <messages.json> <handshake.json>")
    entries = json.load(open(sys.argv[1]))
    handshake = json.load(open(sys.argv[2]))

    bold(f"{len(entries)} messages")
    counts = collections.Counter(e["msgtype"] for e in entries)
    items = sorted(counts.items())
    rows = (len(items) + 2) // 3
    for r in range(rows):
        print("".join(f"  {t:14}{n:5}   " for t, n in items[r::rows]))

    labelled = [e for e in entries if "peer" in e]
    if labelled:
        bold("Messages per connection (from each session's session.json)")
        per = collections.Counter((e["peer"]["address"], e["peer"]["connection_type"], e["direction"]) for e in labelled)
        for (address, kind) in sorted({(a, k) for a, k, _ in per}):
            print(f"  {address:22} {kind:20} received {per[(address, kind, 'recv')]:4}   sent {per[(address, kind, 'sent')]:4}")

    bold("The handshake of one connection, in the order the node processed it")
    for e in handshake[:12]:
        print("  " + one_line(e))

    shown = (("The first version message in full", "version"),
             ("The first headers message that carried headers", "headers"),
             ("A transaction as it travelled (the first tx message)", "tx"))
    for title, kind in shown:
        first = next((e for e in entries if e["msgtype"] == kind and e.get("body", {}) != {"headers": []}), None)
        if first is None:
            continue
        bold(title)
        print(json.dumps(first, indent=2))

    bold("Entries the parser flagged")
    for e in entries:
        if "error" in e:
            print(f"  {e['msgtype']:10} size {e['size']:3}  body {e['body']!r:10} {e['error']}")


if __name__ == "__main__":
    main()
