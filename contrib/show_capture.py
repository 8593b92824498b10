#!/usr/bin/env python3
"""Prints a short, readable account of message-capture-parser JSON.

usage: show_capture.py <messages.json> <one-connection.json> [<txid to follow>]

Python's json keeps 64-bit integers exact (jq 1.6 rounds them), so nonces and
service bits print as they were on the wire.
"""
import collections
import hashlib
import json
import struct
import sys


def bold(text):
    print(f"\n\033[1m{text}\033[0m" if sys.stdout.isatty() else f"\n== {text}")


def one_line(entry, width=150):
    body = entry.get("body")
    text = f"{entry['direction']:4}  {entry['msgtype']:12} " + ("" if body is None else json.dumps(body))
    return text if len(text) <= width else text[: width - 3] + "..."


def compact_size(n):
    if n < 0xfd:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xffffffff:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def txid(tx):
    """The txid of a decoded transaction: its serialization without witnesses, hashed twice."""
    raw = struct.pack("<I", tx["version"]) + compact_size(len(tx["vin"]))
    for i in tx["vin"]:
        script = bytes.fromhex(i["scriptSig"])
        raw += bytes.fromhex(i["prevout"]["hash"]) + struct.pack("<I", i["prevout"]["n"])
        raw += compact_size(len(script)) + script + struct.pack("<I", i["nSequence"])
    raw += compact_size(len(tx["vout"]))
    for o in tx["vout"]:
        script = bytes.fromhex(o["scriptPubKey"])
        raw += struct.pack("<q", o["nValue"]) + compact_size(len(script)) + script
    raw += struct.pack("<I", tx["nLockTime"])
    return hashlib.sha256(hashlib.sha256(raw).digest()).digest()[::-1].hex()


def follow(entries, display_txid):
    """The entries that carry one transaction: its inv, getdata, tx, and the block that holds it."""
    wire = bytes.fromhex(display_txid)[::-1].hex()
    for e in entries:
        body = e.get("body") if isinstance(e.get("body"), dict) else {}
        if e["msgtype"] in ("inv", "getdata") and any(i["hash"] == wire for i in body.get("inv", [])):
            yield e, f"{e['msgtype']} names it"
        elif e["msgtype"] == "tx" and txid(body["tx"]) == display_txid:
            yield e, f"the transaction itself, {e['size']} bytes"
        elif e["msgtype"] == "block" and any(txid(t) == display_txid for t in body["block"]["vtx"]):
            yield e, f"block {body['block']['hash']} with {len(body['block']['vtx'])} transactions holds it"


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
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

    if len(sys.argv) == 4:
        bold(f"Transaction {sys.argv[3]}, followed through the capture")
        start = None
        for e, what in follow(entries, sys.argv[3]):
            start = start or e["time"]
            peer = e.get("peer", {}).get("address", "")
            print(f"  +{(e['time'] - start) / 1000:9.1f} ms  {e['direction']:4} {e['msgtype']:8} {peer:22} {what}")

    shown = (("The first version message in full", "version"),
             ("The first headers message that carried headers", "headers"),
             ("A transaction as it travelled (the first tx message)", "tx"))
    for title, kind in shown:
        first = next((e for e in entries if e["msgtype"] == kind and e.get("body", {}) != {"headers": []}), None)
        if first is None:
            continue
        bold(title)
        print(json.dumps(first, indent=2))


if __name__ == "__main__":
    main()
