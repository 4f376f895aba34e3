#!/usr/bin/env python3
"""make_sendgrid_spec.py: extract the part of SendGrid's official OpenAPI spec that hark uses.

The fake email APIs (email_fake.py, SendGrid mode) validate Mail Send requests against the
official spec (github.com/twilio/sendgrid-oai, spec/json/tsg_mail_v3.json, MIT licence: see
LICENSE-sendgrid-oai beside this file). This script keeps only POST /v3/mail/send and every
component it references (request bodies, responses, parameters, schemas, examples; followed
transitively), unchanged, and writes them to sendgrid_mail_v3.subset.json.

Usage:
    python3 tests/fakes/make_sendgrid_spec.py FULL_SPEC [OUT]
OUT defaults to sendgrid_mail_v3.subset.json beside this script. Rerun it when the upstream
spec is updated and commit both files.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPERATIONS = [("/v3/mail/send", "post")]   # SendMail


def refs(node, out):
    """Collects every '#/components/KIND/NAME' reference under node."""
    if isinstance(node, dict):
        r = node.get("$ref")
        if isinstance(r, str) and r.startswith("#/components/"):
            kind, name = r.split("/")[2:4]
            out.add((kind, name))
        for v in node.values():
            refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def subset(spec):
    paths = {}
    for path, method in OPERATIONS:
        paths.setdefault(path, {})[method] = spec["paths"][path][method]
    comps = {}
    pending = set()
    refs(paths, pending)
    done = set()
    while pending:
        kind, name = pending.pop()
        if (kind, name) in done:
            continue
        done.add((kind, name))
        node = spec["components"][kind][name]
        comps.setdefault(kind, {})[name] = node
        refs(node, pending)
    if "securitySchemes" in spec["components"]:
        comps["securitySchemes"] = spec["components"]["securitySchemes"]
    out = {k: spec[k] for k in ("openapi", "info", "servers", "security") if k in spec}
    out["paths"] = paths
    out["components"] = {k: dict(sorted(v.items())) for k, v in sorted(comps.items())}
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make_sendgrid_spec.py FULL_SPEC [OUT]")
    with open(sys.argv[1], encoding="utf-8") as f:
        spec = json.load(f)
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        HERE, "sendgrid_mail_v3.subset.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump(subset(spec), f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
