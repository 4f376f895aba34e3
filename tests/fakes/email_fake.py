#!/usr/bin/env python3
"""email_fake.py: a stateful fake of SendGrid's v3 Mail Send API or Mailgun's Messages API
for hark's tests, with the signed webhooks both post to `hark relay`. Python 3 standard
library only, plus the `openssl` command to sign SendGrid's events (ECDSA P-256).

One process fakes one service: --mode sendgrid or --mode mailgun.

USAGE
    python3 tests/fakes/email_fake.py --mode sendgrid|mailgun --dir DIR [--port 0]
        [--api-key KEY] [--domain mg.example.test] [--signing-key KEY]
        [--deliver-base http://127.0.0.1:RELAYPORT] [--inbound-key KEY] [--speed 0.02]
    Point the client at http://127.0.0.1:PORT (DIR/port) instead of https://api.sendgrid.com
    or https://api.mailgun.net. SendGrid mode writes DIR/sendgrid_public_key: the base64 DER
    public key to configure as hark's verification_key.

SENDGRID (POST /v3/mail/send; tsg_mail_v3.json, subset in sendgrid_mail_v3.subset.json)
    Authorization: Bearer KEY (missing: 401 and a violation; wrong: 401). Content-Type must
    be application/json. The body is checked against the spec's request schema (types,
    required, enums, min/max lengths and items, email format, unknown properties) and the
    rules SendGrid documents beside it: a subject (global or per personalization) and
    content unless template_id; text/plain first in content; reply_to and reply_to_list
    not both; no reserved header (To, From, Subject, Content-Type...) in headers;
    headers and custom_args values strings, custom_args at most 10,000 bytes;
    attachments valid base64; the request at most 30 MB (413). A broken request gets 400
    {"errors":[{"message","field"}]} and a line in violations.jsonl. Success: 202, empty
    body, X-Message-Id header. Events go to DELIVER/sendgrid/events as a JSON array,
    signed: X-Twilio-Email-Event-Webhook-Signature = base64(DER ECDSA-SHA256(timestamp +
    body)), X-Twilio-Email-Event-Webhook-Timestamp. Each event carries sg_event_id,
    sg_message_id (X-Message-Id + ".filter..."), email, timestamp, smtp-id and the
    personalization's custom_args as top-level keys.

MAILGUN (POST /v3/{domain}/messages, GET /v3/{domain}/events; Mailgun's API reference)
    HTTP Basic api:KEY (missing: 401 "Forbidden" and a violation; wrong: 401). Unknown
    domain: 404. multipart/form-data or urlencoded; from, to and subject required, one of
    text, html, amp-html or template; known fields only (cc, bcc, attachment, inline,
    o:*, h:*, v:*, t:*, recipient-variables...); o:/h:/v:/t: at most 16 KB together; the
    message at most 25 MB (413). Broken: 400 {"message"} and a violation. Success: 200
    {"id":"<...>","message":"Queued. Thank you."} (the id is h:Message-Id when given).
    Events go to DELIVER/mailgun/events, one per POST: {"signature":{"timestamp","token",
    "signature":hex(HMAC-SHA256(signing key, timestamp + token))},"event-data":{...}} with
    message.headers.message-id (the id without brackets) and user-variables (the v:*).
    GET /v3/{domain}/events?message-id=ID&event=accepted&limit=N lists the accepted event
    of each message the fake holds (filters: message-id without brackets, event, limit
    1-300, begin, end, ascending, recipient; others are violations).

LIFECYCLE (by recipient's local part; each step after 1 s x speed)
    anything else  delivered, open, click        (SendGrid: processed first;
    bounce@        bounce (550 5.1.1)              Mailgun: accepted first)
    dropped@       dropped (Bounced Address) / failed permanent suppress-bounce
    deferred@      deferred, then delivered     / failed temporary, then delivered
    spam@          delivered, spamreport        / delivered, complained
    unsub@         delivered, unsubscribe       / delivered, unsubscribed
    ratelimit@     429 twice (SendGrid: X-RateLimit-Reset; Mailgun: Retry-After), then
                   accepted (counted per address: 429, 429, ok, 429, ...)
    error500@      500 twice, then accepted (same counting)
    slow@          answers after SlowSeconds (5) x speed

FILES IN DIR (JSON lines)
    requests.jsonl    every API request: method, path, status, recipients, attachments
                      (name, type, size, sha256), error text
    violations.jsonl  every request that breaks the spec or the documented rules: tests
                      assert it is empty
    webhooks.jsonl    every webhook posted: kind, url, body, the receiver's status
    attachments/      each accepted attachment as sent: MESSAGEID-N-FILENAME
    port              the port bound

CONTROL ENDPOINTS (no auth; JSON bodies)
    POST /_fake/config   {"deliver_base", "inbound_key", "speed", "slow_seconds"}
    POST /_fake/event    {"message": provider id, "event": name, "url", "bad_signature"}:
                         posts one event of that message now; answers {"status": receiver's}
    POST /_fake/inbound  {"from","to","subject","text","html","message_id","in_reply_to",
                         "attachments":[{"filename","type","content_b64","content_id"}],
                         "bad_signature"}: posts an inbound mail as SendGrid Inbound Parse
                         (multipart, to DELIVER/sendgrid/inbound?key=KEY) or a Mailgun route
                         forward (multipart, signed fields, to DELIVER/mailgun/inbound)
    GET  /_fake/state    {"messages": [...]} with their events
    GET  /_fake/wait     until no lifecycle runs (10 s): 200, or 504
"""
import argparse
import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SG_SPEC = os.path.join(HERE, "sendgrid_mail_v3.subset.json")
SG_MAX = 30 * 1024 * 1024
# Headers Mail Send refuses in "headers" (the spec's note on headers).
SG_RESERVED = {"x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type",
               "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc",
               "bcc"}
MG_MAX = 25 * 1024 * 1024
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
MG_FIELDS = {"from", "to", "cc", "bcc", "subject", "text", "html", "amp-html",
             "template", "attachment", "inline", "recipient-variables"}
MG_PREFIXES = ("o:", "h:", "v:", "t:")


class Problem(Exception):
    def __init__(self, status, message, field=None, violation=True, headers=None, to=None):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field
        self.violation, self.headers, self.to = violation, headers or {}, to


class JsonLog:
    def __init__(self, path):
        self.path, self.lock = path, threading.Lock()
        open(path, "w").close()

    def write(self, obj):
        line = json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n"
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line)


# ---- JSON Schema (the subset OpenAPI 3 specs use) -------------------------------------

class Schema:
    def __init__(self, spec):
        self.spec = spec

    def resolve(self, s):
        while isinstance(s, dict) and "$ref" in s:
            node = self.spec
            for part in s["$ref"][2:].split("/"):
                node = node[part]
            extra = {k: v for k, v in s.items() if k != "$ref"}
            s = {**node, **extra}
        return s

    def check(self, s, v, where, errs):
        s = self.resolve(s)
        t = s.get("type")
        if v is None:
            if not s.get("nullable"):
                errs.append((where, "must not be null"))
            return
        types = {"object": dict, "array": list, "string": str, "boolean": bool}
        if t in types and not isinstance(v, types[t]):
            errs.append((where, "must be of type %s" % t))
            return
        if t == "integer" and (not isinstance(v, int) or isinstance(v, bool)):
            errs.append((where, "must be an integer"))
            return
        if "enum" in s and v not in s["enum"]:
            errs.append((where, "must be one of %s" % ", ".join(map(str, s["enum"]))))
        if isinstance(v, str):
            if len(v) < s.get("minLength", 0):
                errs.append((where, "must be at least %d characters" % s["minLength"]))
            if "maxLength" in s and len(v) > s["maxLength"]:
                errs.append((where, "must be at most %d characters" % s["maxLength"]))
            if s.get("format") == "email" and not EMAIL.match(v):
                errs.append((where, "does not contain a valid address"))
        if isinstance(v, list):
            if len(v) < s.get("minItems", 0) or len(v) > s.get("maxItems", 1 << 30):
                errs.append((where, "has the wrong number of items"))
            for i, item in enumerate(v):
                self.check(s.get("items", {}), item, "%s.%d" % (where, i), errs)
        if isinstance(v, dict):
            props = s.get("properties")
            for r in s.get("required", []):
                if r not in v:
                    errs.append(("%s.%s" % (where, r) if where else r, "is required"))
            if "maxProperties" in s and len(v) > s["maxProperties"]:
                errs.append((where, "has too many properties"))
            for k, item in v.items():
                key = "%s.%s" % (where, k) if where else k
                if props is not None and k in props:
                    self.check(props[k], item, key, errs)
                elif isinstance(s.get("additionalProperties"), dict):
                    self.check(s["additionalProperties"], item, key, errs)
                elif props is not None and s.get("additionalProperties") is not True:
                    errs.append((key, "is not a property of the API"))


# ---- multipart ------------------------------------------------------------------------

def multipart_parse(ctype, body):
    """[(name, filename or None, content type or None, bytes)] of a multipart body."""
    m = re.search(r'boundary="?([^";]+)"?', ctype or "")
    if not m:
        raise Problem(400, "multipart body without a boundary")
    delim = b"--" + m.group(1).encode()
    parts = []
    chunks = body.split(b"\r\n" + delim)
    if not chunks[0].startswith(delim):
        raise Problem(400, "multipart body does not start with its boundary")
    chunks[0] = chunks[0][len(delim):]
    if not chunks[-1].startswith(b"--"):
        raise Problem(400, "multipart body has no closing boundary")
    for c in chunks[:-1]:
        if not c.startswith(b"\r\n"):
            raise Problem(400, "malformed multipart boundary line")
        head, sep, data = c[2:].partition(b"\r\n\r\n")
        if not sep:
            raise Problem(400, "multipart part without a blank line after its headers")
        headers = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        cd = headers.get("content-disposition", "")
        if not cd.startswith("form-data"):
            raise Problem(400, "multipart part is not form-data")
        params = dict((k, v.replace('\\"', '"').replace("\\\\", "\\"))
                      for k, v in re.findall(r';\s*([a-z]+)="((?:[^"\\]|\\.)*)"', cd))
        parts.append((params.get("name"), params.get("filename"),
                      headers.get("content-type"), data))
    return parts


def multipart_build(fields, files):
    """fields: [(name, str)]; files: [(name, filename, type, bytes)] -> (ctype, body)."""
    b = "fake-" + secrets.token_hex(12)
    out = []
    for k, v in fields:
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n'
                    % (b, k)).encode() + v.encode() + b"\r\n")
    for k, fn, t, data in files:
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
                    'Content-Type: %s\r\n\r\n' % (b, k, fn.replace('"', '\\"'), t)).encode()
                   + data + b"\r\n")
    out.append(("--%s--\r\n" % b).encode())
    return "multipart/form-data; boundary=" + b, b"".join(out)


# ---- the fake -------------------------------------------------------------------------

class Fake:
    def __init__(self, a):
        self.a, self.mode = a, a.mode
        self.lock = threading.Lock()
        self.messages = {}
        self.counts = {}
        self.running = 0
        self.seq = 0
        self.requests = JsonLog(os.path.join(a.dir, "requests.jsonl"))
        self.violations = JsonLog(os.path.join(a.dir, "violations.jsonl"))
        self.webhooks = JsonLog(os.path.join(a.dir, "webhooks.jsonl"))
        self.att_dir = os.path.join(a.dir, "attachments")
        os.makedirs(self.att_dir, exist_ok=True)
        if self.mode == "sendgrid":
            with open(SG_SPEC, encoding="utf-8") as f:
                spec = json.load(f)
            self.schema = Schema(spec)
            rb = spec["components"]["requestBodies"]["PostMailSend"]
            self.body_schema = rb["content"]["application/json"]["schema"]
            self.pem = os.path.join(a.dir, "sendgrid.pem")
            self.other_pem = os.path.join(a.dir, "other.pem")
            for p in (self.pem, self.other_pem):
                subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey",
                                "-noout", "-out", p], check=True, capture_output=True)
            der = subprocess.run(["openssl", "ec", "-in", self.pem, "-pubout", "-outform",
                                  "DER"], check=True, capture_output=True).stdout
            with open(os.path.join(a.dir, "sendgrid_public_key"), "w") as f:
                f.write(base64.b64encode(der).decode() + "\n")

    def delay(self, seconds):
        time.sleep(seconds * self.a.speed)

    def magic(self, addr):
        return addr.split("@", 1)[0].lower()

    def gate(self, addr):
        """429 / 500 twice per address, then through."""
        kind = self.magic(addr)
        if kind not in ("ratelimit", "error500"):
            if kind == "slow":
                self.delay(self.a.slow_seconds)
            return
        with self.lock:
            n = self.counts.get(addr, 0)
            self.counts[addr] = n + 1
        if n % 3 == 2:
            return
        if kind == "error500":
            raise Problem(500, "internal error", violation=False, to=addr)
        if self.mode == "sendgrid":
            raise Problem(429, "too many requests", violation=False, to=addr, headers={
                "X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": str(int(time.time()) + 1)})
        raise Problem(429, "Too many requests", violation=False, to=addr,
                      headers={"Retry-After": "1"})

    def keep_files(self, msg_id, files):
        out = []
        for i, (fn, t, data) in enumerate(files):
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", fn or "file")
            path = os.path.join(self.att_dir, "%s-%d-%s" % (re.sub(r"[^A-Za-z0-9]", "_",
                                                                   msg_id), i + 1, safe))
            with open(path, "wb") as f:
                f.write(data)
            out.append({"filename": fn, "type": t, "size": len(data), "path": path,
                        "sha256": hashlib.sha256(data).hexdigest()})
        return out

    # -- SendGrid --

    def sg_send(self, headers, body):
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            raise Problem(401, "authorization required")
        if auth[7:] != self.a.api_key:
            raise Problem(401, "The provided authorization grant is invalid, expired, or "
                          "revoked", violation=False)
        if (headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise Problem(400, "Content-Type should be application/json.")
        if len(body) > SG_MAX:
            raise Problem(413, "content too large", violation=False)
        try:
            req = json.loads(body)
        except ValueError:
            raise Problem(400, "Bad Request: the body is not valid JSON")
        errs = []
        self.schema.check(self.body_schema, req, "", errs)
        if errs:
            raise Problem(400, "The %s %s." % (errs[0][0], errs[0][1]), errs[0][0])
        self.sg_rules(req)
        to = req["personalizations"][0]["to"][0]["email"]
        self.gate(to)
        with self.lock:
            self.seq += 1
            mid = "%s%04d" % (secrets.token_urlsafe(12).replace("-", "x"), self.seq)
        files = [(a.get("filename"), a.get("type"), base64.b64decode(a["content"]))
                 for a in req.get("attachments", [])]
        msg = {"id": mid, "to": to, "from": req["from"], "subject": req.get("subject"),
               "content": req.get("content", []), "headers": req.get("headers", {}),
               "custom_args": req["personalizations"][0].get("custom_args", {}),
               "attachments": self.keep_files(mid, files), "events": []}
        return msg, 202, b"", {"X-Message-Id": mid}

    def sg_rules(self, req):
        """What SendGrid documents beyond the schema."""
        tmpl = "template_id" in req
        pers = req["personalizations"]
        if not pers or not all(p.get("to") for p in pers):
            raise Problem(400, "The to array is required for all personalization objects, "
                          "and must have at least one email object with a valid email "
                          "address.", "personalizations.0.to")
        if not tmpl and not req.get("subject") and not all(p.get("subject") for p in pers):
            raise Problem(400, "The subject is required. You can get around this requirement"
                          " if you use a template with a subject defined or if every "
                          "personalization has a subject defined.", "subject")
        content = req.get("content") or []
        if not tmpl and not content:
            raise Problem(400, "Unless a valid template_id is provided, the content "
                          "parameter is required.", "content")
        types = [c["type"] for c in content]
        if "text/plain" in types and types[0] != "text/plain":
            raise Problem(400, "If present, text/plain content must be first.", "content")
        if "reply_to" in req and "reply_to_list" in req:
            raise Problem(400, "reply_to and reply_to_list cannot both be set.", "reply_to")
        for where, obj in [("headers", req.get("headers", {}))] + [
                ("personalizations.%d.headers" % i, p.get("headers", {}))
                for i, p in enumerate(pers)]:
            taken = [k for k in obj if k.lower() in SG_RESERVED]
            if taken:
                raise Problem(400, "The header %s is reserved: it may not be set in "
                              "headers." % taken[0], where)
        for where, obj in [("headers", req.get("headers", {}))] + [
                ("personalizations.%d.custom_args" % i, p.get("custom_args", {}))
                for i, p in enumerate(pers)]:
            if any(not isinstance(v, str) for v in obj.values()):
                raise Problem(400, "Values of %s must be strings." % where, where)
            if where.endswith("custom_args") and len(json.dumps(obj)) > 10000:
                raise Problem(400, "custom_args may not exceed 10,000 bytes.", where)
        for i, a in enumerate(req.get("attachments", [])):
            try:
                base64.b64decode(a["content"], validate=True)
            except (binascii.Error, ValueError):
                raise Problem(400, "The attachment content must be base64 encoded.",
                              "attachments.%d.content" % i)

    def sg_sign(self, ts, body, bad=False):
        with tempfile.NamedTemporaryFile() as f:
            f.write(ts.encode() + body)
            f.flush()
            sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                                  self.other_pem if bad else self.pem, f.name],
                                 check=True, capture_output=True).stdout
        return base64.b64encode(sig).decode()

    def sg_event(self, msg, event, extra=None):
        ev = {"email": msg["to"], "event": event, "timestamp": int(time.time()),
              "sg_event_id": secrets.token_urlsafe(16),
              "sg_message_id": msg["id"] + ".filterdrecv-fake-1",
              "smtp-id": "<%s@fake.sendgrid.net>" % msg["id"]}
        ev.update(msg["custom_args"])
        if event == "deferred":
            ev.update(response="421 4.7.0 try again later", attempt="1")
        elif event == "delivered":
            ev.update(response="250 2.0.0 OK", ip="127.0.0.1")
        elif event == "bounce":
            ev.update(type="bounce", status="5.1.1", bounce_classification="Invalid Address",
                      reason="550 5.1.1 The email account that you tried to reach does "
                      "not exist")
        elif event == "dropped":
            ev.update(reason="Bounced Address")
        elif event == "open":
            ev.update(useragent="Mozilla/5.0", ip="127.0.0.1", sg_machine_open=False)
        elif event == "click":
            ev.update(url="https://example.com/offer", url_offset={"index": 0, "type": "html"})
        ev.update(extra or {})
        return ev

    def sg_post_events(self, events, bad=False):
        body = json.dumps(events).encode() + b"\r\n"
        ts = str(int(time.time()))
        return self.post("events", self.a.deliver_base + "/sendgrid/events", body, {
            "Content-Type": "application/json",
            "X-Twilio-Email-Event-Webhook-Signature": self.sg_sign(ts, body, bad),
            "X-Twilio-Email-Event-Webhook-Timestamp": ts})

    # -- Mailgun --

    def mg_send(self, path, headers, body):
        m = re.match(r"^/v3/([^/]+)/messages$", path)
        self.mg_auth(headers)
        if m.group(1) != self.a.domain:
            raise Problem(404, "Domain not found: %s" % m.group(1), violation=False)
        if len(body) > MG_MAX + 65536:
            raise Problem(413, "request entity too large", violation=False)
        ctype = headers.get("Content-Type") or ""
        if ctype.startswith("multipart/form-data"):
            parts = multipart_parse(ctype, body)
        elif ctype.startswith("application/x-www-form-urlencoded"):
            parts = [(k, None, None, v.encode()) for k, v in
                     urllib.parse.parse_qsl(body.decode(), keep_blank_values=True)]
        else:
            raise Problem(400, "Content-Type must be multipart/form-data or "
                          "application/x-www-form-urlencoded")
        fields, files, opts = {}, [], 0
        for name, fn, t, data in parts:
            if name in ("attachment", "inline"):
                if fn is None:
                    raise Problem(400, "%s must be a file part" % name)
                files.append((fn, t or "application/octet-stream", data))
                continue
            if name not in MG_FIELDS and not name.startswith(MG_PREFIXES):
                raise Problem(400, "unknown parameter '%s'" % name)
            if fn is not None:
                raise Problem(400, "'%s' must be a field, not a file" % name)
            try:
                value = data.decode("utf-8")
            except UnicodeDecodeError:
                raise Problem(400, "'%s' is not valid UTF-8" % name)
            if name.startswith(MG_PREFIXES):
                opts += len(name) + len(value)
            fields.setdefault(name, []).append(value)
        for req in ("from", "to", "subject"):
            if not fields.get(req) or not fields[req][0].strip():
                raise Problem(400, "%s parameter is missing" % req)
        if not any(fields.get(k) for k in ("text", "html", "amp-html", "template")):
            raise Problem(400, "Need at least one of 'text', 'html', 'amp-html' or "
                          "'template' parameters specified")
        if opts > 16384:
            raise Problem(400, "o:, h:, v: and t: parameters exceed 16 KB")
        sender = fields["from"][0]
        addr = re.search(r"<([^>]+)>\s*$", sender)
        if not EMAIL.match(addr.group(1) if addr else sender):
            raise Problem(400, "from parameter is not a valid address. please check "
                          "documentation")
        to = fields["to"][0]
        if not EMAIL.match(to):
            raise Problem(400, "to parameter is not a valid address. please check "
                          "documentation")
        self.gate(to)
        given = (fields.get("h:Message-Id") or [None])[0]
        with self.lock:
            self.seq += 1
            mid = given.strip("<> ") if given else "%s.%d.%s@%s" % (
                time.strftime("%Y%m%d%H%M%S"), self.seq, secrets.token_hex(8).upper(),
                self.a.domain)
        uvars = {k[2:]: v[0] for k, v in fields.items() if k.startswith("v:")}
        msg = {"id": mid, "to": to, "from": sender, "subject": fields["subject"][0],
               "content": [{"type": "text/plain", "value": fields.get("text", [""])[0]},
                           {"type": "text/html", "value": fields.get("html", [""])[0]}],
               "headers": {k[2:]: v[0] for k, v in fields.items() if k.startswith("h:")},
               "custom_args": uvars, "attachments": self.keep_files(mid, files),
               "events": []}
        answer = json.dumps({"id": "<%s>" % mid, "message": "Queued. Thank you."})
        return msg, 200, answer.encode(), {"Content-Type": "application/json"}

    def mg_auth(self, headers):
        auth = headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            raise Problem(401, "Forbidden")
        try:
            user, _, key = base64.b64decode(auth[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise Problem(401, "Forbidden")
        if user != "api":
            raise Problem(401, "Forbidden")
        if key != self.a.api_key:
            raise Problem(401, "Forbidden", violation=False)

    def mg_events(self, path, query, headers):
        """GET /v3/{domain}/events: the accepted events, filtered as asked."""
        self.mg_auth(headers)
        if path.split("/")[2] != self.a.domain:
            raise Problem(404, "Domain not found: %s" % path.split("/")[2], violation=False)
        q = urllib.parse.parse_qs(query, keep_blank_values=True)
        known = {"message-id", "event", "limit", "begin", "end", "ascending", "recipient"}
        for k in q:
            if k not in known:
                raise Problem(400, "unknown filter '%s'" % k)
        if "limit" in q and not (q["limit"][0].isdigit() and 1 <= int(q["limit"][0]) <= 300):
            raise Problem(400, "limit must be 1 to 300")
        want = q.get("message-id", [None])[0]
        if want is not None and want.startswith("<"):
            raise Problem(400, "message-id is given without angle brackets")
        items = []
        with self.lock:
            for m in self.messages.values():
                if want is not None and m["id"] != want:
                    continue
                if q.get("event", ["accepted"])[0] not in ("accepted",):
                    continue
                items.append(self.mg_event(m, "accepted"))
        limit = int(q.get("limit", ["100"])[0])
        return {"items": items[:limit], "paging": {"next": self.a.api_base + path + "?page=next",
                                                   "first": self.a.api_base + path}}

    def mg_signature(self, bad=False):
        ts, token = str(int(time.time())), secrets.token_hex(25)
        key = ("x" + self.a.signing_key) if bad else self.a.signing_key
        sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
        return {"timestamp": ts, "token": token, "signature": sig}

    def mg_event(self, msg, event, extra=None):
        ed = {"event": event, "id": secrets.token_urlsafe(16), "timestamp": time.time(),
              "recipient": msg["to"], "message": {"headers": {
                  "message-id": msg["id"], "to": msg["to"], "from": msg["from"],
                  "subject": msg["subject"]}, "size": 1024},
              "user-variables": msg["custom_args"], "tags": [], "flags": {}}
        if event == "failed":
            ed.update(severity="permanent", reason="bounce", **{"delivery-status": {
                "code": 550, "message": "5.1.1 The email account that you tried to reach "
                "does not exist", "description": "", "attempt-no": 1}})
        elif event == "clicked":
            ed["url"] = "https://example.com/offer"
        ed.update(extra or {})
        return ed

    def mg_post_event(self, ed, bad=False):
        body = json.dumps({"signature": self.mg_signature(bad), "event-data": ed}).encode()
        return self.post("events", self.a.deliver_base + "/mailgun/events", body,
                         {"Content-Type": "application/json"})

    # -- both --

    LIFE = {
        "sendgrid": {"": ["processed", "delivered", "open", "click"],
                     "bounce": ["processed", "bounce"], "dropped": ["dropped"],
                     "deferred": ["processed", "deferred", "delivered"],
                     "spam": ["processed", "delivered", "spamreport"],
                     "unsub": ["processed", "delivered", "unsubscribe"]},
        "mailgun": {"": ["accepted", "delivered", "opened", "clicked"],
                    "bounce": ["accepted", "failed"], "dropped": ["dropped"],
                    "deferred": ["accepted", "deferred", "delivered"],
                    "spam": ["accepted", "delivered", "complained"],
                    "unsub": ["accepted", "delivered", "unsubscribed"]},
    }

    def post_event(self, msg, event, bad=False, extra=None):
        if self.mode == "sendgrid":
            status = self.sg_post_events([self.sg_event(msg, event, extra)], bad)
        else:
            if event == "dropped":
                ed = self.mg_event(msg, "failed", {"reason": "suppress-bounce",
                                                   "delivery-status": {"code": 605, "message":
                                                   "Not delivering to previously bounced "
                                                   "address", "description": ""}})
            elif event == "deferred":
                ed = self.mg_event(msg, "failed", {"severity": "temporary", "reason":
                                                   "generic", "delivery-status": {"code":
                                                   421, "message": "try again later"}})
            else:
                ed = self.mg_event(msg, event)
            ed.update(extra or {})
            status = self.mg_post_event(ed, bad)
        with self.lock:
            msg["events"].append({"event": event, "status": status})
        return status

    def life(self, msg):
        try:
            steps = self.LIFE[self.mode].get(self.magic(msg["to"]), self.LIFE[self.mode][""])
            for ev in steps:
                self.delay(1)
                self.post_event(msg, ev)
        finally:
            with self.lock:
                self.running -= 1

    def post(self, kind, url, body, headers):
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
        status, text, err = None, "", None
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                status, text = r.status, r.read(4096).decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read(4096).decode("utf-8", "replace")
        except Exception as e:
            err = "%s: %s" % (type(e).__name__, e)
        self.webhooks.write({"time": time.time(), "kind": kind, "url": url,
                             "body": body[:4000].decode("utf-8", "replace"),
                             "status": status, "error": err, "response": text[:500]})
        return status

    def inbound(self, p):
        files = [("attachment%d" % (i + 1) if self.mode == "sendgrid" else
                  "attachment-%d" % (i + 1), a["filename"], a.get("type",
                  "application/octet-stream"), base64.b64decode(a["content_b64"]))
                 for i, a in enumerate(p.get("attachments", []))]
        mid = p.get("message_id") or "<%s@mail.example.com>" % secrets.token_hex(8)
        if self.mode == "sendgrid":
            hdrs = "Received: by mx.example.com\r\nMessage-ID: %s\r\n" % mid
            if p.get("in_reply_to"):
                hdrs += "In-Reply-To: %s\r\nReferences: %s\r\n" % (p["in_reply_to"],
                                                                    p["in_reply_to"])
            hdrs += "Date: %s\r\n" % time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                                                   time.gmtime())
            info = {f[0]: {"filename": f[1], "name": f[1], "type": f[2]} for f in files}
            cids = {a["content_id"]: files[i][0] for i, a in
                    enumerate(p.get("attachments", [])) if a.get("content_id")}
            fields = [("headers", hdrs), ("from", p["from"]), ("to", p["to"]),
                      ("subject", p.get("subject", "")), ("text", p.get("text", "")),
                      ("envelope", json.dumps({"to": [p["to"]], "from": p["from"]})),
                      ("charsets", json.dumps({"to": "UTF-8", "from": "UTF-8",
                                               "subject": "UTF-8", "text": "UTF-8"})),
                      ("SPF", "pass"), ("sender_ip", "127.0.0.1"),
                      ("attachments", str(len(files)))]
            if p.get("html"):
                fields.append(("html", p["html"]))
            if files:
                fields.append(("attachment-info", json.dumps(info)))
            if cids:
                fields.append(("content-ids", json.dumps(cids)))
            key = "x" + self.a.inbound_key if p.get("bad_signature") else self.a.inbound_key
            url = self.a.deliver_base + "/sendgrid/inbound?key=" + urllib.parse.quote(key)
        else:
            sig = self.mg_signature(p.get("bad_signature"))
            fields = [("recipient", p["to"]), ("sender", re.sub(r".*<|>.*", "", p["from"])),
                      ("from", p["from"]), ("subject", p.get("subject", "")),
                      ("body-plain", p.get("text", "")), ("stripped-text", p.get("text", "")),
                      ("Message-Id", mid), ("attachment-count", str(len(files))),
                      ("timestamp", sig["timestamp"]), ("token", sig["token"]),
                      ("signature", sig["signature"]),
                      ("message-headers", json.dumps([["Message-Id", mid]]))]
            if p.get("in_reply_to"):
                fields += [("In-Reply-To", p["in_reply_to"]), ("References",
                                                               p["in_reply_to"])]
            if p.get("html"):
                fields.append(("body-html", p["html"]))
            cids = {"<%s>" % a["content_id"]: files[i][0] for i, a in
                    enumerate(p.get("attachments", [])) if a.get("content_id")}
            if cids:
                fields.append(("content-id-map", json.dumps(cids)))
            url = self.a.deliver_base + "/mailgun/inbound"
        ctype, body = multipart_build(fields, files)
        return self.post("inbound", url, body, {"Content-Type": ctype})


# ---- HTTP -----------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "email-fake/1"
    fake = None

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, body=b"", headers=None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def answer_json(self, status, obj):
        self.answer(status, json.dumps(obj).encode(), {"Content-Type": "application/json"})

    def do_GET(self):
        f = self.fake
        path, _, query = self.path.partition("?")
        if f.mode == "mailgun" and re.match(r"^/v3/[^/]+/events$", path):
            try:
                out = f.mg_events(path, query, self.headers)
            except Problem as p:
                return self.problem(p, b"")
            f.requests.write({"method": "GET", "path": self.path, "status": 200,
                              "found": len(out["items"])})
            return self.answer_json(200, out)
        if self.path == "/_fake/state":
            with f.lock:
                self.answer_json(200, {"messages": list(f.messages.values())})
        elif self.path.startswith("/_fake/wait"):
            end = time.time() + 10
            while f.running > 0 and time.time() < end:
                time.sleep(0.02)
            self.answer_json(200 if f.running == 0 else 504, {"running": f.running})
        else:
            self.answer_json(404, {"message": "not found"})

    def do_POST(self):
        f = self.fake
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        if self.path.startswith("/_fake/"):
            return self.control(self.path[7:], json.loads(body or b"{}"))
        route = ("/v3/mail/send" if f.mode == "sendgrid" else None)
        try:
            if f.mode == "sendgrid" and self.path == route:
                msg, status, out, hdrs = f.sg_send(self.headers, body)
            elif f.mode == "mailgun" and re.match(r"^/v3/[^/]+/messages$", self.path):
                msg, status, out, hdrs = f.mg_send(self.path, self.headers, body)
            else:
                raise Problem(404, "no such endpoint: POST %s" % self.path)
        except Problem as p:
            self.problem(p, body)
            return
        with f.lock:
            f.messages[msg["id"]] = msg
            f.running += 1
        f.requests.write({"method": "POST", "path": self.path, "status": status,
                          "id": msg["id"], "to": msg["to"], "custom_args": msg["custom_args"],
                          "headers": msg["headers"], "attachments": msg["attachments"]})
        # The mail goes its way even when the client has stopped listening.
        threading.Thread(target=f.life, args=(msg,), daemon=True).start()
        self.answer(status, out, hdrs)

    def problem(self, p, body):
        f = self.fake
        entry = {"method": self.command, "path": self.path, "status": p.status,
                 "error": p.message, "field": p.field, "to": p.to}
        f.requests.write(entry)
        if p.violation:
            f.violations.write({**entry, "body": body[:2000].decode("utf-8", "replace")})
        if f.mode == "sendgrid":
            out = {"errors": [{"message": p.message, "field": p.field, "help": None}]}
        else:
            out = {"message": p.message}
        if f.mode == "mailgun" and p.status == 401:
            self.answer(401, b"Forbidden", {"Content-Type": "text/plain", **p.headers})
        else:
            self.answer(p.status, json.dumps(out).encode(),
                        {"Content-Type": "application/json", **p.headers})

    def control(self, what, p):
        f = self.fake
        if what == "config":
            for k in ("deliver_base", "inbound_key", "speed", "slow_seconds"):
                if k in p:
                    setattr(f.a, k, p[k])
            return self.answer_json(200, {"ok": True})
        if what == "event":
            with f.lock:
                msg = f.messages.get(p.get("message"))
            if msg is None:
                return self.answer_json(404, {"message": "no such message"})
            status = f.post_event(msg, p["event"], p.get("bad_signature", False),
                                  p.get("extra"))
            return self.answer_json(200, {"status": status})
        if what == "inbound":
            return self.answer_json(200, {"status": f.inbound(p)})
        self.answer_json(404, {"message": "no such control endpoint"})


def main():
    ap = argparse.ArgumentParser(description="Fake SendGrid / Mailgun for hark's tests "
                                             "(see the header of this file).")
    ap.add_argument("--mode", choices=("sendgrid", "mailgun"), required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--api-key", default="test-api-key")
    ap.add_argument("--domain", default="mg.example.test")
    ap.add_argument("--signing-key", default="test-signing-key")
    ap.add_argument("--inbound-key", default="")
    ap.add_argument("--deliver-base", default="http://127.0.0.1:1")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--slow-seconds", type=float, default=5.0)
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    a.api_base = "http://127.0.0.1:%d" % server.server_address[1]
    Handler.fake = Fake(a)
    server.daemon_threads = True
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
