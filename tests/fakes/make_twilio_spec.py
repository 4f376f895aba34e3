#!/usr/bin/env python3
"""make_twilio_spec.py: extract the part of Twilio's official OpenAPI spec that hark uses.

The fake Twilio API (twilio_fake.py) validates requests against the official spec
(github.com/twilio/twilio-oai, spec/json/twilio_api_v2010.json, MIT licence: see
LICENSE-twilio-oai beside this file). A clone of hark does not ship the 1.8 MB original,
so this script keeps only the operations hark calls, plus every component schema they
reference (followed transitively), and writes them, unchanged, to
twilio_api_v2010.subset.json.

Usage:
    python3 tests/fakes/make_twilio_spec.py [FULL_SPEC] [OUT]
FULL_SPEC defaults to $TWILIO_SPEC; OUT to twilio_api_v2010.subset.json beside this script.
Rerun it when the upstream spec is updated and commit both files.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
A = "/2010-04-01/Accounts/{AccountSid}"

# (path, method): the operations hark uses.
OPERATIONS = [
    (A + "/Messages.json", "post"),                      # CreateMessage
    (A + "/Messages.json", "get"),                       # ListMessage
    (A + "/Messages/{Sid}.json", "get"),                 # FetchMessage
    (A + "/Messages/{Sid}.json", "post"),                # UpdateMessage (cancel, redact)
    (A + "/Messages/{MessageSid}/Media.json", "get"),    # ListMedia
    (A + "/Calls.json", "post"),                         # CreateCall
    (A + "/Calls.json", "get"),                          # ListCall
    (A + "/Calls/{Sid}.json", "get"),                    # FetchCall
    (A + "/Calls/{Sid}.json", "post"),                   # UpdateCall
    (A + "/Recordings.json", "get"),                     # ListRecording
    (A + "/Calls/{CallSid}/Recordings.json", "get"),     # ListCallRecording
]

# Schemas kept although no kept operation references them: the spec defines the values
# of StatusCallbackEvent here but types the parameter as a plain string array.
EXTRA_SCHEMAS = ["call_enum_event"]

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def refs(node, out):
    """Collects every '#/components/schemas/NAME' reference under node."""
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith("#/components/schemas/"):
            out.add(r.rsplit("/", 1)[1])
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def subset(spec):
    paths = {}
    for path, method in OPERATIONS:
        item = spec["paths"].get(path)
        if item is None or method not in item:
            raise SystemExit(f"make_twilio_spec: {method.upper()} {path} is not in the spec")
        kept = paths.setdefault(path, {k: v for k, v in item.items() if k not in METHODS})
        kept[method] = item[method]

    schemas = spec["components"]["schemas"]
    want, pending = set(), set(EXTRA_SCHEMAS)
    refs(paths, pending)
    while pending:
        name = pending.pop()
        if name in want:
            continue
        if name not in schemas:
            raise SystemExit(f"make_twilio_spec: schema {name} is referenced but missing")
        want.add(name)
        refs(schemas[name], pending)

    tags = set()
    for item in paths.values():
        for m in METHODS:
            if m in item:
                tags.update(item[m].get("tags", []))

    out = {
        "openapi": spec["openapi"],
        "info": spec["info"],
        "x-hark-subset": {
            "source": "https://github.com/twilio/twilio-oai/blob/main/spec/json/twilio_api_v2010.json",
            "license": "MIT (LICENSE-twilio-oai)",
            "generator": "tests/fakes/make_twilio_spec.py",
            "operations": [f"{m.upper()} {p}" for p, m in OPERATIONS],
        },
        "servers": spec.get("servers", []),
        "security": spec.get("security", []),
        "tags": [t for t in spec.get("tags", []) if t.get("name") in tags],
        "paths": paths,
        "components": {
            "securitySchemes": spec["components"].get("securitySchemes", {}),
            "schemas": {n: schemas[n] for n in sorted(want)},
        },
    }
    return out


def main(argv):
    src = argv[1] if len(argv) > 1 else os.environ.get("TWILIO_SPEC", "")
    dst = argv[2] if len(argv) > 2 else os.path.join(HERE, "twilio_api_v2010.subset.json")
    if not src:
        raise SystemExit("usage: make_twilio_spec.py FULL_SPEC [OUT]   (or set TWILIO_SPEC)")
    with open(src, encoding="utf-8") as f:
        spec = json.load(f)
    out = subset(spec)
    tmp = dst + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, dst)
    n_ops = len(OPERATIONS)
    n_schemas = len(out["components"]["schemas"])
    print(f"make_twilio_spec: {n_ops} operations, {n_schemas} schemas -> {dst} "
          f"({os.path.getsize(dst)} bytes)")


if __name__ == "__main__":
    main(sys.argv)
