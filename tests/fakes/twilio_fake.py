#!/usr/bin/env python3
"""twilio_fake.py: a stateful fake of Twilio's REST API 2010-04-01 for hark's tests.

It follows Twilio's official OpenAPI spec (twilio/twilio-oai, spec/json/twilio_api_v2010.json):
by default the subset beside this file (make_twilio_spec.py), or the full spec when
TWILIO_SPEC names it. Every request is checked against the spec operation it targets, and
the fake behaves as Twilio does where hark can notice: status progression with signed
status callbacks, inbound webhooks, calls with <Dial>, paging, errors as Twilio's JSON.
Python 3 standard library only.

USAGE
    python3 tests/fakes/twilio_fake.py --dir DIR [--port 0] [--account-sid AC...]
        [--auth-token TOKEN] [--api-key SK... --api-secret SECRET] [--inbound-url URL]
        [--public-base URL] [--deliver-base URL] [--api-base URL] [--speed 0.01]
        [--call-duration 42] [--self-check]
    (tests/peers/twilio-fake.sh start|stop DIR wraps this and writes DIR/env.)

    Point the client at http://127.0.0.1:PORT instead of https://api.twilio.com and
    authenticate with HTTP Basic: the Account SID and auth token, or the API key and
    secret given on the command line.

FILES IN DIR (JSON lines; truncated by POST /_fake/reset)
    requests.jsonl    every API request: method, path, operation, query, params (form),
                      auth user, status and Twilio error code of the answer.
    violations.jsonl  every request that breaks the spec (unknown path or parameter, wrong
                      type/enum/format/pattern, missing required parameter or credentials,
                      wrong Content-Type...), and with --self-check every response of the
                      fake that does not match the spec's response schema. Tests assert
                      it is empty.
    webhooks.jsonl    every callback the fake made: kind, url, signed url, params,
                      X-Twilio-Signature, the receiver's HTTP status (or the error).
    port              the port actually bound (useful with --port 0).

REQUEST CHECKS (each failure: 400 with Twilio's JSON error and a line in violations.jsonl)
    Path pattern (AccountSid ^AC[0-9a-fA-F]{32}$, resource SIDs) -> 404 20404;
    no Basic credentials -> 401 20003 (wrong credentials: 401 20003, not a violation);
    body not application/x-www-form-urlencoded -> 415; required parameters and Twilio's
    one-of groups (To; From|MessagingServiceSid; Body|MediaUrl|ContentSid; for calls
    Url|Twiml|ApplicationSid); unknown parameters (20001); integer, number, boolean,
    enum, pattern, length, and formats: phone-number (E.164, or whatsapp:+E.164; From may
    also be an alphanumeric sender ID or a short code), endpoint, uri (absolute http(s),
    no '_' in the host), date-time, date, twiml (well-formed <Response>).
    Codes: To 21604 missing / 21211 invalid, From 21603 / 21212, content 21602,
    StatusCallback 21609, MediaUrl 21620, calls To 21201, From 21213, Url 21205, other
    values 80701.

MAGIC NUMBERS (To of a message or call; a whatsapp: prefix is ignored)
    +15005550001  400 21211 invalid 'To' number (messages and calls)
    +15005550004  400 21610 recipient unsubscribed (replied STOP)
    +15005550009  201, then sending -> sent -> undelivered with ErrorCode 30006
    +15005550429  429 20429 with Retry-After: 1 twice, the third attempt succeeds (the
                  count is per number and repeats: 429, 429, ok, 429, 429, ok ...)
    +15005550500  500 20500 twice, then success (same counting)
    +15005550777  answers after SlowSeconds (5 s) x speed
    +15005550002  calls: rings, then no-answer (also as the <Dial> target: DialCallStatus
                  no-answer)
    +15005558NNN  calls: answered and lasting NNN seconds (else --call-duration, 42 s)
    WhatsApp: a free-form Body (no ContentSid) to whatsapp:+N when +N sent no inbound
    message in the last 24 h is accepted (201) and then fails with ErrorCode 63016.

LIFECYCLES (delays in seconds, all multiplied by the speed factor)
    Message: queued (or accepted with a MessagingServiceSid, scheduled with
    ScheduleType=fixed) -> 1 s sending -> 1 s sent (price "-0.00790" per segment, or
    "-0.02000" with media; num_segments by the GSM-7/UCS-2 rule) -> 2 s delivered
    -> 2 s read (WhatsApp only). No callback for the initial status; each later status
    is POSTed, signed, to StatusCallback.
    Call: queued -> 0.5 s initiated -> 1 s ringing -> 2 s in-progress (answered): the
    Url is fetched (signed POST, or GET with Method=GET) for TwiML unless Twiml was
    given; a <Dial action="URL">+1NUMBER</Dial> creates the child leg (outbound-dial,
    parent_call_sid), which answers after 1 s and talks for the call duration; then the
    Dial action is requested (DialCallSid, DialCallStatus, DialCallDuration, and
    RecordingUrl/RecordingSid/RecordingDuration when the Dial records) and the parent
    completes (CallDuration, price "-0.01400" per started minute). Status callbacks go
    out for the StatusCallbackEvent values asked for (only 'completed' without any).
    Record=true records the whole call (recording fields in the completed callback).

SIGNATURES
    X-Twilio-Signature = base64(HMAC-SHA1(auth token, URL + sorted name+value params))
    (GET: the URL with its query, no params). The URL signed is the callback URL, or with
    a public base (--public-base, or PublicBase via /_fake/config) that base plus the
    path and query: what Twilio would sign if it reached the relay through a proxy. When a
    callback URL already starts with the public base, it is delivered to --deliver-base
    plus the rest of the path instead.

CONTROL ENDPOINTS (no auth; not part of Twilio's API; form, query or JSON parameters)
    POST /_fake/inbound   From, To, Body, MediaUrl (repeat) and MediaContentType (repeat)
                          or NumMedia=N (media served by the fake), Channel=sms|whatsapp,
                          ProfileName, AgeSeconds (backdate), Url (instead of the inbound
                          URL). Stores an inbound message (status received), records the
                          sender's last inbound time, POSTs the signed inbound webhook and
                          answers {"message": ..., "webhook": {"status": ...}}. A TwiML
                          <Message> in the webhook's answer is sent as an outbound-reply.
    POST /_fake/speed     Factor=0.01: every delay multiplied by it (GET: current value)
    POST /_fake/config    InboundUrl, PublicBase, DeliverBase, CallDuration, SlowSeconds,
                          ServiceSender (the number a Messaging Service sends from)
    GET  /_fake/state     messages, calls, recordings, media, last inbound times, config,
                          counters (pending lifecycles, self-checked responses)
    GET  /_fake/wait      until no message or call lifecycle is running (Timeout=10 s):
                          200, or 504 on timeout
    POST /_fake/reset     forget everything and truncate the log files

BEYOND THE SPEC (served with the same auth, logged but not violations)
    GET .../Messages/{SM}/Media/{ME}   the media bytes (what Twilio redirects to)
    GET .../Recordings/{RE}.mp3|.wav   the recording bytes
"""
import argparse
import base64
import hashlib
import hmac
import itertools
import json
import math
import os
import re
import secrets
import signal
import sys
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SPEC = os.path.join(HERE, "twilio_api_v2010.subset.json")
API_VERSION = "2010-04-01"

MAGIC_INVALID = "+15005550001"
MAGIC_NO_ANSWER = "+15005550002"
MAGIC_STOPPED = "+15005550004"
MAGIC_UNDELIVERED = "+15005550009"
MAGIC_429 = "+15005550429"
MAGIC_500 = "+15005550500"
MAGIC_SLOW = "+15005550777"
MAGIC_DURATION = re.compile(r"^\+15005558(\d{3})$")

PRICE_SMS_SEGMENT = 0.0079
PRICE_MMS = 0.02
PRICE_CALL_MINUTE = 0.014
WHATSAPP_WINDOW_S = 24 * 3600

FINAL_MESSAGE = {"delivered", "undelivered", "failed", "received", "canceled", "read", "sent"}
FINAL_CALL = {"completed", "busy", "failed", "no-answer", "canceled"}

E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
ALNUM_SENDER = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")
SHORT_CODE = re.compile(r"^[0-9]{3,8}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?)?$")
RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r" \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")

GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
                "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXT = set("\f^{}\\[~]|€")

ERROR_SCHEMA = {  # Twilio's error body; the spec defines no error responses
    "type": "object",
    "properties": {"code": {"type": "integer"}, "message": {"type": "string"},
                   "more_info": {"type": "string", "format": "uri"},
                   "status": {"type": "integer"}},
}


# ---- small helpers ------------------------------------------------------------------

def now_ts():
    return time.time()


def rfc2822(ts):
    if ts is None:
        return None
    return format_datetime(datetime.fromtimestamp(ts, timezone.utc).replace(microsecond=0))


def iso(ts):
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds")


def new_sid(prefix):
    return prefix + secrets.token_hex(16)


def money(amount):
    return "%.5f" % (-amount) if amount else "0.00000"


def bare(addr):
    """'whatsapp:+1555...' -> '+1555...'"""
    return addr.split(":", 1)[1] if addr and ":" in addr else addr


def channel_of(addr):
    return addr.split(":", 1)[0] if addr and ":" in addr else None


def formatted(num):
    m = re.match(r"^\+1(\d{3})(\d{3})(\d{4})$", num or "")
    return "(%s) %s-%s" % m.groups() if m else num


def segments(body):
    """SMS segments by the GSM-7 / UCS-2 rule (escape pairs and surrogates never split)."""
    if not body:
        return 1
    if all(c in GSM_BASIC or c in GSM_EXT for c in body):
        units = [2 if c in GSM_EXT else 1 for c in body]
        single, multi = 160, 153
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in body]
        single, multi = 70, 67
    if sum(units) <= single:
        return 1
    n, cur = 1, 0
    for u in units:
        if cur + u > multi:
            n, cur = n + 1, 0
        cur += u
    return n


def parse_datetime(v):
    """ISO-8601 date or date-time -> (epoch seconds, is_date_only) or None."""
    m = DATETIME.match(v or "")
    if not m:
        return None
    y, mo, d, hh, mi, ss, tz = m.groups()
    try:
        dt = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
    except ValueError:
        return None
    off = timedelta(0)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        t = tz[1:].replace(":", "")
        off = sign * timedelta(hours=int(t[:2]), minutes=int(t[2:]))
    ts = (dt.replace(tzinfo=timezone.utc) - off).timestamp()
    return ts, hh is None


def phone_ok(v, sender=False):
    if E164.match(v):
        return True
    if v.startswith("whatsapp:") and E164.match(v[9:]):
        return True
    return sender and bool(ALNUM_SENDER.match(v) or SHORT_CODE.match(v))


def endpoint_ok(v):
    return bool(E164.match(v) or re.match(r"^client:[A-Za-z0-9_.@-]+$", v)
                or re.match(r"^sip:\S+@\S+$", v) or SHORT_CODE.match(v))


def uri_ok(v, relative=False):
    if not v or any(c.isspace() for c in v):
        return False
    if relative and v.startswith("/"):
        return True
    try:
        u = urllib.parse.urlsplit(v)
        u.port  # raises ValueError on a bad port
    except ValueError:
        return False
    return u.scheme in ("http", "https") and bool(u.hostname) and "_" not in u.hostname


def twiml_root(text):
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return None
    return root if root.tag == "Response" else None


def sign(token, url, params):
    s = url + "".join(k + v for k, v in sorted(params))
    return base64.b64encode(hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()).decode()


def camel(snake):
    return "".join(w.capitalize() for w in snake.split("_"))


class JsonLog:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.truncate()

    def truncate(self):
        with self.lock:
            open(self.path, "w").close()

    def write(self, obj):
        line = json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n"
        with self.lock:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(line)


# ---- the spec ---------------------------------------------------------------------------

class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = json.load(f)
        self.path = path
        self.schemas = self.doc.get("components", {}).get("schemas", {})
        routes = []
        for tmpl, item in self.doc["paths"].items():
            rx = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(tmpl)) + "$"
            routes.append((tmpl.count("{"), -len(tmpl), re.compile(rx), tmpl, item))
        routes.sort(key=lambda r: (r[0], r[1]))  # literal segments win over {Sid}
        self.routes = [(rx, tmpl, item) for _, _, rx, tmpl, item in routes]

    def resolve(self, schema):
        seen = 0
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if not ref.startswith("#/components/schemas/") or seen > 20:
                raise ValueError("unsupported $ref " + ref)
            schema = self.schemas[ref.rsplit("/", 1)[1]]
            seen += 1
        return schema or {}

    def match(self, path):
        for rx, tmpl, item in self.routes:
            m = rx.match(path)
            if m:
                return tmpl, item, {k: urllib.parse.unquote(v) for k, v in m.groupdict().items()}
        return None

    def parameters(self, item, op, where):
        out = {}
        for p in item.get("parameters", []) + op.get("parameters", []):
            p = self.resolve(p) if "$ref" in p else p
            if p.get("in") == where:
                out[p["name"]] = p
        return out

    def form_schema(self, op):
        rb = op.get("requestBody")
        if not rb:
            return None
        content = rb.get("content", {})
        form = content.get("application/x-www-form-urlencoded")
        return self.resolve(form.get("schema", {})) if form else {}

    def response_schema(self, op, status):
        r = op.get("responses", {}).get(str(status))
        if not r:
            return None
        c = r.get("content", {}).get("application/json")
        return c.get("schema") if c else None


class Problem(Exception):
    """A Twilio error answer: HTTP status, Twilio code, message; violation=True logs it."""

    def __init__(self, status, code, message, violation=False, details=None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.violation, self.details, self.headers = violation, details or [], headers or {}


# ---- validation -------------------------------------------------------------------------

def check_param(spec, schema, name, values, errs):
    """Checks one form/query parameter (its list of string values) against its schema."""
    schema = spec.resolve(schema)
    if schema.get("type") == "array":
        item = spec.resolve(schema.get("items", {}))
        if "maxItems" in schema and len(values) > schema["maxItems"]:
            errs.append((name, "at most %d values" % schema["maxItems"]))
        for v in values:
            check_scalar(spec, item, name, v, errs)
        return
    if len(values) > 1:
        errs.append((name, "given %d times but is not a list" % len(values)))
        return
    check_scalar(spec, schema, name, values[0], errs)


def check_scalar(spec, schema, name, v, errs):
    t = schema.get("type", "string")
    fmt = schema.get("format")
    if t == "integer":
        if not re.match(r"^-?[0-9]+$", v):
            errs.append((name, "'%s' is not an integer" % v))
            return
        n = int(v)
        if fmt == "int32" and not -2**31 <= n < 2**31 or fmt == "int64" and not -2**63 <= n < 2**63:
            errs.append((name, "%s does not fit %s" % (v, fmt)))
        check_range(schema, name, n, errs)
    elif t == "number":
        try:
            n = float(v)
            if math.isnan(n) or math.isinf(n):
                raise ValueError
        except ValueError:
            errs.append((name, "'%s' is not a number" % v))
            return
        check_range(schema, name, n, errs)
    elif t == "boolean":
        if v.lower() not in ("true", "false"):
            errs.append((name, "'%s' is not a boolean (true or false)" % v))
    else:
        if "minLength" in schema and len(v) < schema["minLength"]:
            errs.append((name, "shorter than %d characters" % schema["minLength"]))
        if "maxLength" in schema and len(v) > schema["maxLength"]:
            errs.append((name, "longer than %d characters" % schema["maxLength"]))
        if "pattern" in schema and not re.search(schema["pattern"], v):
            errs.append((name, "'%s' does not match %s" % (v, schema["pattern"])))
        bad = None
        if fmt == "phone-number" and not phone_ok(v, sender=name in ("From", "FallbackFrom")):
            bad = "not an E.164 number (or whatsapp:+E.164)"
        elif fmt == "endpoint" and not endpoint_ok(v):
            bad = "not an E.164 number, client: or sip: address"
        elif fmt == "uri" and not uri_ok(v):
            bad = "not an absolute http(s) URL (with no '_' in the host)"
        elif fmt == "date-time" and parse_datetime(v) is None:
            bad = "not an ISO-8601 date or date-time"
        elif fmt == "date" and (not DATE.match(v) or parse_datetime(v) is None):
            bad = "not a YYYY-MM-DD date"
        elif fmt == "twiml" and twiml_root(v) is None:
            bad = "not a well-formed TwiML <Response> document"
        if bad:
            errs.append((name, "'%s' is %s" % (v, bad)))
    if "enum" in schema and v not in schema["enum"]:
        errs.append((name, "'%s' is not one of %s" % (v, ", ".join(map(str, schema["enum"])))))


def check_range(schema, name, n, errs):
    if "minimum" in schema and n < schema["minimum"]:
        errs.append((name, "%s is below the minimum %s" % (n, schema["minimum"])))
    if "maximum" in schema and n > schema["maximum"]:
        errs.append((name, "%s is above the maximum %s" % (n, schema["maximum"])))


def check_response(spec, schema, value, where, errs):
    """Strict check of a response value: types, enums, formats, and exactly the spec's
    properties (Twilio returns them all; an extra one would be something hark must not
    rely on)."""
    schema = spec.resolve(schema)
    if value is None:
        if not schema.get("nullable") and schema.get("type"):
            errs.append("%s: null but not nullable" % where)
        return
    t = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:
        errs.append("%s: %r not in the enum" % (where, value))
    if t == "object":
        if not isinstance(value, dict):
            errs.append("%s: not an object" % where)
            return
        props = schema.get("properties")
        if props:
            for k in value:
                if k not in props:
                    errs.append("%s.%s: not in the spec" % (where, k))
            for k, sub in props.items():
                if k not in value:
                    errs.append("%s.%s: missing" % (where, k))
                else:
                    check_response(spec, sub, value[k], "%s.%s" % (where, k), errs)
        if schema.get("format") == "uri-map":
            for k, v in value.items():
                if not isinstance(v, str) or not uri_ok(v, relative=True):
                    errs.append("%s.%s: not a URI" % (where, k))
    elif t == "array":
        if not isinstance(value, list):
            errs.append("%s: not an array" % where)
            return
        for i, v in enumerate(value):
            check_response(spec, schema.get("items", {}), v, "%s[%d]" % (where, i), errs)
    elif t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errs.append("%s: %r is not an integer" % (where, value))
    elif t == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errs.append("%s: %r is not a number" % (where, value))
    elif t == "boolean":
        if not isinstance(value, bool):
            errs.append("%s: %r is not a boolean" % (where, value))
    elif t == "string":
        if not isinstance(value, str):
            errs.append("%s: %r is not a string" % (where, value))
            return
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errs.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
        if "minLength" in schema and len(value) < schema["minLength"]:
            errs.append("%s: too short" % where)
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errs.append("%s: too long" % where)
        fmt = schema.get("format")
        if fmt == "date-time-rfc-2822" and not RFC2822.match(value):
            errs.append("%s: %r is not an RFC 2822 date" % (where, value))
        elif fmt == "uri" and not uri_ok(value, relative=True):
            errs.append("%s: %r is not a URI" % (where, value))
        elif fmt == "currency" and not re.match(r"^[A-Z]{3}$", value):
            errs.append("%s: %r is not a currency code" % (where, value))
        elif fmt == "phone-number" and not phone_ok(value, sender=True):
            errs.append("%s: %r is not a phone number" % (where, value))


# Twilio's codes for a parameter problem, by operation: (missing, invalid) per parameter.
PARAM_CODES = {
    "CreateMessage": {"To": (21604, 21211), "From": (21603, 21212),
                      "MessagingServiceSid": (21603, 80701), "Body": (21602, 80701),
                      "MediaUrl": (21602, 21620), "ContentSid": (21602, 80701),
                      "StatusCallback": (None, 21609)},
    "CreateCall": {"To": (21201, 21211), "From": (21213, 21212), "Url": (21205, 21205),
                   "Twiml": (21205, 80701), "ApplicationSid": (21205, 80701),
                   "FallbackUrl": (None, 21205), "StatusCallback": (None, 21609)},
    "UpdateCall": {"Url": (None, 21205), "StatusCallback": (None, 21609)},
    "UpdateMessage": {"Status": (30400, 30400), "Body": (30400, 30400)},
}


# ---- state ------------------------------------------------------------------------------

class Config:
    def __init__(self, a):
        self.account_sid = a.account_sid
        self.auth_token = a.auth_token
        self.api_key = a.api_key
        self.api_secret = a.api_secret
        self.inbound_url = a.inbound_url
        self.public_base = a.public_base
        self.deliver_base = a.deliver_base
        self.api_base = a.api_base
        self.speed = a.speed
        self.call_duration = a.call_duration
        self.slow_seconds = 5.0
        self.service_sender = "+15017122661"
        self.self_check = a.self_check
        self.webhook_timeout = 15.0

    def public(self):
        return {k: v for k, v in vars(self).items() if k not in ("auth_token", "api_secret")}


class Resource(dict):
    """An API object (the spec's properties) plus the fake's own state in attributes."""


class Fake:
    def __init__(self, spec, cfg, dirpath):
        self.spec, self.cfg, self.dir = spec, cfg, dirpath
        self.lock = threading.RLock()
        self.idle = threading.Condition(self.lock)
        self.requests = JsonLog(os.path.join(dirpath, "requests.jsonl"))
        self.violations = JsonLog(os.path.join(dirpath, "violations.jsonl"))
        self.webhooks = JsonLog(os.path.join(dirpath, "webhooks.jsonl"))
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        self.active = 0
        self.self_checked = 0
        self.counter = itertools.count()
        self._clear()

    def _clear(self):
        self.messages, self.calls, self.recordings = {}, {}, {}
        self.media = {}            # message sid -> [media Resource]
        self.attempts = {}         # (magic number) -> attempts seen
        self.last_inbound = {}     # sender address -> epoch of its last inbound message
        self.stop = threading.Event()

    def reset(self):
        with self.lock:
            self.stop.set()
            for r in list(self.messages.values()) + list(self.calls.values()):
                r.wake.set()
            self._clear()
        for log in (self.requests, self.violations, self.webhooks):
            log.truncate()

    # -- time and background work --

    def spawn(self, fn, *args):
        with self.lock:
            self.active += 1
            stop = self.stop

        def run():
            try:
                fn(stop, *args)
            except Exception:  # a bug in the fake must not die silently
                traceback.print_exc()
                self.violations.write({"time": iso(now_ts()), "side": "fake",
                                       "errors": [traceback.format_exc()]})
            finally:
                with self.lock:
                    self.active -= 1
                    self.idle.notify_all()
        threading.Thread(target=run, daemon=True).start()

    def wait(self, stop, res, sim_seconds):
        """Sleeps sim_seconds x speed; False when reset or woken (cancel, hang-up)."""
        if stop.is_set():
            return False
        res.wake.wait(max(0.0, sim_seconds * self.cfg.speed))
        return not stop.is_set() and not res.wake.is_set()

    # -- URLs --

    def base(self):
        return self.cfg.api_base.rstrip("/")

    def acct(self):
        return "/%s/Accounts/%s" % (API_VERSION, self.cfg.account_sid)

    # -- webhooks --

    def urls_for(self, target):
        """(where to deliver, what to sign) for a callback URL."""
        target = target.split("#", 1)[0]
        pb, db = self.cfg.public_base, self.cfg.deliver_base
        if pb:
            pb = pb.rstrip("/")
            if target.startswith(pb) and db:
                return db.rstrip("/") + target[len(pb):], target
            u = urllib.parse.urlsplit(target)
            return target, pb + u.path + ("?" + u.query if u.query else "")
        return target, target

    def deliver(self, kind, url, params, method="POST"):
        """Sends one signed webhook; returns (HTTP status or None, response text, error)."""
        params = [(k, "" if v is None else str(v)) for k, v in params]
        deliver_url, signed_url = self.urls_for(url)
        data = None
        if method == "GET":
            q = urllib.parse.urlencode(params)
            sep = "&" if "?" in deliver_url else "?"
            deliver_url += sep + q if q else ""
            signed_url += ("&" if "?" in signed_url else "?") + q if q else ""
            sig = sign(self.cfg.auth_token, signed_url, [])
        else:
            data = urllib.parse.urlencode(params).encode()
            sig = sign(self.cfg.auth_token, signed_url, params)
        req = urllib.request.Request(deliver_url, data=data, method=method, headers={
            "X-Twilio-Signature": sig, "User-Agent": "TwilioProxy/1.1",
            "I-Twilio-Idempotency-Token": secrets.token_hex(16), "Accept": "*/*",
            **({"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
               if data is not None else {})})
        status, text, err = None, "", None
        try:
            with self.opener.open(req, timeout=self.cfg.webhook_timeout) as r:
                status, text = r.status, r.read(65536).decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read(65536).decode("utf-8", "replace")
        except Exception as e:  # connection refused, timeout, bad URL
            err = "%s: %s" % (type(e).__name__, e)
        self.webhooks.write({"time": iso(now_ts()), "kind": kind, "method": method,
                             "url": deliver_url, "signed_url": signed_url,
                             "params": dict_of(params), "signature": sig,
                             "status": status, "error": err, "response": text[:2000]})
        return status, text, err

    # -- messages --

    def message_obj(self, sid, to, frm, body, direction, status, mg=None, num_media=0):
        t = now_ts()
        m = Resource(
            account_sid=self.cfg.account_sid, api_version=API_VERSION, body=body,
            date_created=rfc2822(t), date_sent=rfc2822(t), date_updated=rfc2822(t),
            direction=direction, error_code=None, error_message=None, to=to, sid=sid,
            messaging_service_sid=mg, num_media=str(num_media), num_segments="1",
            price=None, price_unit=None, status=status, **{"from": frm},
            subresource_uris={"media": "%s/Messages/%s/Media.json" % (self.acct(), sid)},
            uri="%s/Messages/%s.json" % (self.acct(), sid))
        m.created, m.sent_ts, m.wake = t, t, threading.Event()
        m.n = next(self.counter)
        m.callback, m.fail, m.send_at = None, None, None
        return m

    def set_status(self, m, status, **fields):
        with self.lock:
            m["status"] = status
            m.update(fields)
            m["date_updated"] = rfc2822(now_ts())

    def message_callback(self, m, extra=()):
        if not m.callback:
            return
        with self.lock:
            p = [("MessageSid", m["sid"]), ("SmsSid", m["sid"]),
                 ("MessageStatus", m["status"]), ("SmsStatus", m["status"]),
                 ("AccountSid", m["account_sid"]), ("From", m["from"]), ("To", m["to"]),
                 ("ApiVersion", API_VERSION)]
            if m["messaging_service_sid"]:
                p.append(("MessagingServiceSid", m["messaging_service_sid"]))
            if m["error_code"] is not None:
                p.append(("ErrorCode", str(m["error_code"])))
            if channel_of(m["to"]):
                p.append(("ChannelPrefix", channel_of(m["to"])))
        self.deliver("message-status", m.callback, p + list(extra))

    def message_life(self, stop, m):
        if m["status"] == "scheduled":
            if not self.wait(stop, m, max(0.0, m.send_at - now_ts())):
                if not stop.is_set() and m["status"] == "canceled":
                    self.message_callback(m)
                return
            self.set_status(m, "queued")
        if not self.wait(stop, m, 1):
            return
        if m.fail == 63016:
            self.set_status(m, "failed", error_code=63016, error_message=(
                "Failed to send freeform message because you are outside the allowed "
                "window. If you are using WhatsApp, please use a Message Template."))
            self.message_callback(m)
            return
        with self.lock:
            if m["from"] is None:  # a Messaging Service picks a sender from its pool
                ch = channel_of(m["to"])
                m["from"] = (ch + ":" if ch else "") + self.cfg.service_sender
        self.set_status(m, "sending")
        self.message_callback(m)
        if not self.wait(stop, m, 1):
            return
        segs = 1 if channel_of(m["to"]) else segments(m["body"] or "")
        price = PRICE_MMS if int(m["num_media"]) else PRICE_SMS_SEGMENT * segs
        t = now_ts()
        m.sent_ts = t
        self.set_status(m, "sent", num_segments=str(segs), price=money(price),
                        price_unit="USD", date_sent=rfc2822(t))
        self.message_callback(m)
        if not self.wait(stop, m, 2):
            return
        dlr = [("RawDlrDoneDate", datetime.now(timezone.utc).strftime("%y%m%d%H%M"))]
        if bare(m["to"]) == MAGIC_UNDELIVERED:
            self.set_status(m, "undelivered", error_code=30006,
                            error_message="Landline or unreachable carrier")
            self.message_callback(m, dlr)
            return
        self.set_status(m, "delivered")
        self.message_callback(m, dlr)
        if channel_of(m["to"]) == "whatsapp" and self.wait(stop, m, 2):
            self.set_status(m, "read")
            self.message_callback(m)

    def magic_gate(self, to, kind):
        """The magic numbers shared by message and call creation (slow, 429, 500)."""
        num = bare(to)
        if num == MAGIC_SLOW:
            time.sleep(self.cfg.slow_seconds * self.cfg.speed)
        if num in (MAGIC_429, MAGIC_500):
            with self.lock:
                n = self.attempts[(kind, num)] = self.attempts.get((kind, num), 0) + 1
            if n % 3 != 0:
                if num == MAGIC_429:
                    raise Problem(429, 20429, "Too Many Requests",
                                  headers={"Retry-After": "1"})
                raise Problem(500, 20500, "An internal server error has occurred")
        if num == MAGIC_INVALID:
            raise Problem(400, 21211, "The 'To' number %s is not a valid phone number." % to)

    def create_message(self, p, **_):
        to, frm = p["To"], p.get("From") or None
        mg = p.get("MessagingServiceSid") or None
        body = p.get("Body")
        media = p.get("MediaUrl", [])
        self.magic_gate(to, "message")
        if bare(to) == MAGIC_STOPPED:
            raise Problem(400, 21610, "Attempt to send to unsubscribed recipient")
        if body is not None and len(body) > 1600:
            raise Problem(400, 21617, "The concatenated message body exceeds the 1600 "
                                      "character limit")
        if len(media) > 10:
            raise Problem(400, 21623, "Number of media files exceeds allowed limit")
        vp = p.get("ValidityPeriod")
        if vp is not None and not 1 <= int(vp) <= 36000:
            raise Problem(400, 21624, "Invalid validity period value")
        if frm and channel_of(to) != channel_of(frm):
            raise Problem(400, 21910, "Invalid From and To pair. From and To should be of "
                                      "the same channel")
        send_at = None
        if p.get("ScheduleType") == "fixed":
            if not p.get("SendAt"):
                raise Problem(400, 35111, "SendAt timestamp is missing")
            if not mg:
                raise Problem(400, 35118, "MessagingServiceSid is required to schedule a "
                                          "message")
            send_at = parse_datetime(p["SendAt"])[0]
            if not 300 <= send_at - now_ts() <= 35 * 86400:
                raise Problem(400, 35115, "SendAt time must be between 300 seconds and 35 "
                                          "days (3024000 seconds) in the future")
        status = "scheduled" if send_at else "accepted" if mg else "queued"
        sid = new_sid("MM" if media else "SM")
        m = self.message_obj(sid, to, frm, body if body is not None else "", "outbound-api",
                             status, mg, len(media))
        m.callback = p.get("StatusCallback")
        m.send_at = send_at
        if mg or send_at:
            m["num_segments"] = "0"
        elif not channel_of(to):
            m["num_segments"] = str(segments(body or ""))
        if send_at:
            m["date_sent"] = None
            m.sent_ts = None
        if channel_of(to) == "whatsapp" and body and not p.get("ContentSid"):
            with self.lock:
                last = self.last_inbound.get(to)
            if last is None or now_ts() - last > WHATSAPP_WINDOW_S:
                m.fail = 63016
        with self.lock:
            self.messages[sid] = m
            self.media[sid] = [self.media_obj(sid, u, None) for u in media]
        self.spawn(self.message_life, m)
        return 201, m

    def media_obj(self, msg_sid, url, content_type, t=None):
        sid = new_sid("ME")
        t = t or now_ts()
        me = Resource(account_sid=self.cfg.account_sid,
                      content_type=content_type or guess_type(url),
                      date_created=rfc2822(t), date_updated=rfc2822(t), parent_sid=msg_sid,
                      sid=sid, uri="%s/Messages/%s/Media/%s.json" % (self.acct(), msg_sid, sid))
        me.created, me.url, me.n = t, url, next(self.counter)
        return me

    def get_message(self, sid):
        with self.lock:
            m = self.messages.get(sid)
        if m is None:
            raise Problem(404, 20404, "The requested resource %s/Messages/%s.json was not "
                                      "found" % (self.acct(), sid))
        return m

    def fetch_message(self, p, path):
        return 200, self.get_message(path["Sid"])

    def update_message(self, p, path):
        m = self.get_message(path["Sid"])
        if ("Status" in p) == ("Body" in p):
            raise Problem(400, 30400, "Parameters are not valid: give either Status=canceled "
                                      "or an empty Body")
        if "Status" in p:
            with self.lock:
                if m["status"] != "scheduled":
                    raise Problem(400, 30409, "This message cannot be canceled")
                m["status"] = "canceled"
                m["date_updated"] = rfc2822(now_ts())
            m.wake.set()
            return 200, m
        if p["Body"] != "":
            raise Problem(400, 30400, "Parameters are not valid: a redaction needs an empty "
                                      "Body")
        with self.lock:
            if m["status"] not in FINAL_MESSAGE:
                raise Problem(400, 30400, "The message is still in progress and cannot be "
                                          "redacted")
            m["body"] = ""
            m["date_updated"] = rfc2822(now_ts())
        return 200, m

    def list_messages(self, p, path, query):
        with self.lock:
            items = sorted(self.messages.values(), key=lambda m: (m.created, m.n), reverse=True)
        items = [m for m in items if match_eq(m, "to", p.get("To"))
                 and match_eq(m, "from", p.get("From"))
                 and match_time(m.sent_ts, p, "DateSent")]
        return 200, self.page(items, "messages", "%s/Messages.json" % self.acct(), query)

    def list_media(self, p, path, query):
        self.get_message(path["MessageSid"])
        with self.lock:
            items = list(self.media.get(path["MessageSid"], []))
        items = [x for x in items if match_time(x.created, p, "DateCreated")]
        return 200, self.page(items, "media_list", "%s/Messages/%s/Media.json" % (
            self.acct(), path["MessageSid"]), query)

    # -- paging (newest first; PageToken PA<sid> = after that item, PB<sid> = before) --

    def page(self, items, key, base_path, query):
        size = int(query.get("PageSize", ["50"])[-1])
        page = int(query.get("Page", ["0"])[-1])
        token = query.get("PageToken", [None])[-1]
        sids = [x["sid"] for x in items]
        start = page * size
        if token and token[2:] in sids:
            i = sids.index(token[2:])
            start = i + 1 if token.startswith("PA") else max(0, i - size)
        chunk = items[start:start + size]
        keep = [(k, v) for k, vs in query.items() if k not in ("PageSize", "Page", "PageToken")
                for v in vs]

        def uri(pg, tok=None):
            q = keep + [("PageSize", str(size)), ("Page", str(pg))]
            if tok:
                q.append(("PageToken", tok))
            return base_path + "?" + urllib.parse.urlencode(q)
        nxt = uri(page + 1, "PA" + chunk[-1]["sid"]) if chunk and start + len(chunk) < len(
            items) else None
        prev = uri(page - 1, "PB" + chunk[0]["sid"]) if chunk and page > 0 and start > 0 else None
        return {key: chunk, "end": start + len(chunk) - 1 if chunk else start,
                "first_page_uri": uri(0), "next_page_uri": nxt, "page": page,
                "page_size": size, "previous_page_uri": prev, "start": start,
                "uri": uri(page, token)}

    # -- inbound (control) --

    def inbound(self, p):
        ch = (p.get("Channel") or p.get("channel") or "sms").lower()
        frm, to = p.get("From"), p.get("To")
        if ch not in ("sms", "whatsapp") or not frm or not to:
            raise Problem(400, 80701, "inbound needs From, To and Channel sms|whatsapp")
        if ch == "whatsapp":
            frm = frm if frm.startswith("whatsapp:") else "whatsapp:" + frm
            to = to if to.startswith("whatsapp:") else "whatsapp:" + to
        for v in (frm, to):
            if not phone_ok(v):
                raise Problem(400, 21211, "'%s' is not a valid phone number" % v)
        body = p.get("Body", "")
        urls = p.get("MediaUrl_list") or []
        types = p.get("MediaContentType_list") or []
        n_gen = int(p.get("NumMedia") or 0) if not urls else 0
        t = now_ts() - float(p.get("AgeSeconds") or 0)
        sid = new_sid("MM" if urls or n_gen else "SM")
        m = self.message_obj(sid, to, frm, body, "inbound", "received",
                             num_media=len(urls) + n_gen)
        m.created = m.sent_ts = t
        for k in ("date_created", "date_sent", "date_updated"):
            m[k] = rfc2822(t)
        segs = 1 if ch == "whatsapp" else segments(body)
        m["num_segments"] = str(segs)
        m["price"], m["price_unit"] = money(PRICE_MMS if urls or n_gen else
                                            PRICE_SMS_SEGMENT * segs), "USD"
        media = []
        for i, u in enumerate(urls):
            media.append(self.media_obj(sid, u, types[i] if i < len(types) else None, t))
        for i in range(n_gen):
            me = self.media_obj(sid, None, types[i] if i < len(types) else "image/jpeg", t)
            me.url = "%s%s/Messages/%s/Media/%s" % (self.base(), self.acct(), sid, me["sid"])
            media.append(me)
        with self.lock:
            self.messages[sid] = m
            self.media[sid] = media
            self.last_inbound[frm] = max(t, self.last_inbound.get(frm, 0))
        url = p.get("Url") or self.cfg.inbound_url
        result = None
        if url:
            params = [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", str(len(media))),
                      ("SmsSid", sid), ("SmsStatus", "received"), ("Body", body),
                      ("To", to), ("NumSegments", str(segs)), ("MessageSid", sid),
                      ("AccountSid", self.cfg.account_sid), ("From", frm),
                      ("ApiVersion", API_VERSION)]
            for i, me in enumerate(media):
                params += [("MediaContentType%d" % i, me["content_type"]), ("MediaUrl%d" % i, me.url)]
            if ch == "whatsapp":
                params += [("ProfileName", p.get("ProfileName") or "Test User"),
                           ("WaId", bare(frm).lstrip("+"))]
            status, text, err = self.deliver("message-inbound", url, params,
                                             (p.get("Method") or "POST").upper())
            result = {"status": status, "error": err, "response": text[:2000]}
            if status == 200:
                self.twiml_replies(text, m)
        return 200, {"message": m, "webhook": result}

    def twiml_replies(self, text, inbound):
        root = twiml_root(text.strip()) if text.strip() else None
        for el in (root.findall("Message") if root is not None else []):
            body_el = el.find("Body")
            body = (body_el.text if body_el is not None else el.text) or ""
            reply = self.message_obj(new_sid("SM"), el.get("to") or inbound["from"],
                                     el.get("from") or inbound["to"], body.strip(),
                                     "outbound-reply", "queued")
            reply.callback = el.get("statusCallback") or el.get("action")
            with self.lock:
                self.messages[reply["sid"]] = reply
                self.media[reply["sid"]] = []
            self.spawn(self.message_life, reply)

    # -- calls --

    def call_obj(self, to, frm, direction, parent=None):
        sid = new_sid("CA")
        t = now_ts()
        c = Resource(
            sid=sid, date_created=rfc2822(t), date_updated=rfc2822(t),
            parent_call_sid=parent["sid"] if parent else None,
            account_sid=self.cfg.account_sid, to=to, to_formatted=formatted(to),
            from_formatted=formatted(frm), phone_number_sid=None,
            status="queued", start_time=None, end_time=None, duration=None, price=None,
            price_unit="USD", direction=direction, answered_by=None, api_version=API_VERSION,
            forwarded_from=None, group_sid=None, caller_name=None, queue_time="0",
            trunk_sid=None, uri="%s/Calls/%s.json" % (self.acct(), sid),
            subresource_uris=self.call_subresources(sid), **{"from": frm})
        c.created, c.start_ts, c.end_ts, c.wake = t, None, None, threading.Event()
        c.n, c.answer_ts = next(self.counter), None
        c.events, c.callback, c.callback_method, c.seq = set(), None, "POST", 0
        c.url, c.method, c.twiml, c.record, c.hangup = None, "POST", None, False, None
        c.child = None
        return c

    def call_subresources(self, sid):
        base = "%s/Calls/%s" % (self.acct(), sid)
        return {k: "%s/%s.json" % (base, v) for k, v in (
            ("feedback", "Feedback"), ("feedback_summaries", "FeedbackSummary"),
            ("notifications", "Notifications"), ("recordings", "Recordings"),
            ("streams", "Streams"), ("payments", "Payments"),
            ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
            ("user_defined_messages", "UserDefinedMessages"), ("events", "Events"),
            ("siprec", "Siprec"))}

    def call_params(self, c, status):
        p = [("AccountSid", c["account_sid"]), ("ApiVersion", API_VERSION),
             ("CallSid", c["sid"]), ("CallStatus", status), ("Called", c["to"]),
             ("Caller", c["from"]), ("Direction", c["direction"]), ("From", c["from"]),
             ("To", c["to"])]
        if c["parent_call_sid"]:
            p.append(("ParentCallSid", c["parent_call_sid"]))
        return p

    def call_callback(self, c, event, status, extra=()):
        if not c.callback or event not in c.events:
            return
        with self.lock:
            p = self.call_params(c, status) + [
                ("CallbackSource", "call-progress-events"), ("SequenceNumber", str(c.seq)),
                ("Timestamp", rfc2822(now_ts()))]
            c.seq += 1
        self.deliver("call-status", c.callback, p + list(extra), c.callback_method)

    def set_call(self, c, status, **fields):
        with self.lock:
            if c["status"] in FINAL_CALL:  # ended through the API meanwhile
                return
            c["status"] = status
            c.update(fields)
            c["date_updated"] = rfc2822(now_ts())

    def end_call(self, c, status, duration):
        t = now_ts()
        minutes = math.ceil(duration / 60) if duration else 0
        self.set_call(c, status, end_time=rfc2822(t), duration=str(duration),
                      price=money(PRICE_CALL_MINUTE * minutes))
        c.end_ts = t

    def elapsed(self, since):
        """Simulated seconds since a real timestamp (durations of hung-up calls)."""
        if since is None or self.cfg.speed <= 0:
            return 0
        return int(round((now_ts() - since) / self.cfg.speed))

    def call_duration(self, number):
        m = MAGIC_DURATION.match(bare(number) or "")
        return int(m.group(1)) if m else int(self.cfg.call_duration)

    def add_recording(self, c, duration, channels, source):
        sid = new_sid("RE")
        t = now_ts()
        r = Resource(call=c["sid"], sid=sid, duration=duration, channels=channels,
                     source=source)
        r.created, r.n = t, next(self.counter)
        r.url = "%s%s/Recordings/%s" % (self.base(), self.acct(), sid)
        with self.lock:
            self.recordings[sid] = r
        return r

    def call_life(self, stop, c):
        def hung():
            return stop.is_set() or c.hangup is not None
        if not self.wait(stop, c, 0.5):
            return self.call_hangup(stop, c)
        self.set_call(c, "queued", start_time=rfc2822(now_ts()))
        c.start_ts = now_ts()
        self.call_callback(c, "initiated", "initiated")
        if not self.wait(stop, c, 1):
            return self.call_hangup(stop, c)
        self.set_call(c, "ringing")
        self.call_callback(c, "ringing", "ringing")
        if bare(c["to"]) == MAGIC_NO_ANSWER:
            if not self.wait(stop, c, 3):
                return self.call_hangup(stop, c)
            self.end_call(c, "no-answer", 0)
            c["price"] = None
            self.call_callback(c, "completed", "no-answer", [("CallDuration", "0"),
                                                            ("Duration", "0")])
            return
        if not self.wait(stop, c, 2):
            return self.call_hangup(stop, c)
        self.set_call(c, "in-progress")
        c.answer_ts = now_ts()
        self.call_callback(c, "answered", "in-progress")
        twiml = c.twiml
        if twiml is None and c.url:
            status, text, err = self.deliver("call-url", c.url, self.call_params(
                c, "in-progress"), c.method)
            twiml = text if status == 200 else None
        root = twiml_root(twiml.strip()) if twiml else None
        dial = root.find("Dial") if root is not None else None
        talk = self.call_duration(c["to"])
        total = talk
        rec_extra = []
        if dial is not None:
            total = self.dial(stop, c, dial, talk)
            if total is None:
                return
        elif not self.wait(stop, c, talk):
            return self.call_hangup(stop, c)
        if hung():
            return self.call_hangup(stop, c)
        if c.record:
            r = self.add_recording(c, total, 1, "OutboundAPI")
            rec_extra = [("RecordingUrl", r.url), ("RecordingSid", r["sid"]),
                         ("RecordingDuration", str(total))]
        self.end_call(c, "completed", total)
        self.call_callback(c, "completed", "completed",
                           [("CallDuration", str(total)),
                            ("Duration", str(math.ceil(total / 60)))] + rec_extra)

    def dial(self, stop, c, dial, talk):
        """Runs a <Dial>: the child leg, then the action request. The parent's seconds."""
        num_el = dial.find("Number")
        number = ((num_el.text if num_el is not None else dial.text) or "").strip()
        if not number:
            return talk if self.wait(stop, c, talk) else None
        caller = dial.get("callerId") or c["from"]
        child = self.call_obj(number, caller, "outbound-dial", parent=c)
        with self.lock:
            self.calls[child["sid"]] = child
            c.child = child
        self.set_call(child, "ringing", start_time=rfc2822(now_ts()))
        child.start_ts = now_ts()
        record = dial.get("record", "do-not-record")
        if not self.wait(stop, c, 1):
            self.call_hangup(stop, c)
            return None
        if bare(number) == MAGIC_NO_ANSWER:
            if not self.wait(stop, c, 2):
                self.call_hangup(stop, c)
                return None
            self.end_call(child, "no-answer", 0)
            child["price"] = None
            dial_status, dial_dur, total = "no-answer", 0, 3
        else:
            talk = self.call_duration(number) if MAGIC_DURATION.match(number) else talk
            self.set_call(child, "in-progress")
            child.answer_ts = now_ts()
            if not self.wait(stop, c, talk):
                self.call_hangup(stop, c)
                return None
            self.end_call(child, "completed", talk)
            dial_status, dial_dur, total = "completed", talk, 1 + talk
        action = dial.get("action")
        if action:
            extra = [("DialCallSid", child["sid"]), ("DialCallStatus", dial_status),
                     ("DialCallDuration", str(dial_dur)), ("DialBridged",
                                                           str(dial_status == "completed").lower())]
            if record not in ("do-not-record", "false") and dial_status == "completed":
                channels = 2 if record.endswith("dual") else 1
                r = self.add_recording(c, dial_dur, channels, "DialVerb")
                extra += [("RecordingUrl", r.url), ("RecordingSid", r["sid"]),
                          ("RecordingDuration", str(dial_dur))]
            if not urllib.parse.urlsplit(action).scheme:  # relative to the document's URL
                action = urllib.parse.urljoin(c.url or "", action)
            self.deliver("call-dial-action", action, self.call_params(c, "in-progress") + extra,
                         (dial.get("method") or "POST").upper())
        return total

    def call_hangup(self, stop, c):
        """The call was reset (nothing more to do) or ended through the API, which has
        already set its final state: only the callback is left."""
        if stop.is_set() or c.hangup is None:
            return
        self.call_callback(c, "completed", c["status"], [
            ("CallDuration", c["duration"]), ("Duration", str(math.ceil(int(c["duration"]) / 60)))])

    def hang_up(self, c):
        """Status=canceled|completed through the API: the final state at once, as Twilio
        answers with it; the lifecycle thread then sends the callback."""
        for leg in (c, c.child):
            if leg is None or leg["status"] in FINAL_CALL:
                continue
            if leg["status"] in ("queued", "ringing"):
                self.end_call(leg, "canceled", 0)
                leg["price"] = None
            else:
                self.end_call(leg, "completed", self.elapsed(leg.answer_ts))
        c.hangup = c["status"]

    def create_call(self, p, **_):
        to, frm = p["To"], p["From"]
        self.magic_gate(to, "call")
        c = self.call_obj(to, frm, "outbound-api")
        events = []
        for v in p.get("StatusCallbackEvent", []):
            events += v.split()
        c.events = set(events) or {"completed"}
        c.callback = p.get("StatusCallback")
        c.callback_method = p.get("StatusCallbackMethod", "POST")
        c.url, c.method = p.get("Url"), p.get("Method", "POST")
        c.twiml = p.get("Twiml") if not c.url else None
        c.record = p.get("Record", "false").lower() == "true"
        with self.lock:
            self.calls[c["sid"]] = c
        self.spawn(self.call_life, c)
        return 201, c

    def get_call(self, sid):
        with self.lock:
            c = self.calls.get(sid)
        if c is None:
            raise Problem(404, 20404, "The requested resource %s/Calls/%s.json was not "
                                      "found" % (self.acct(), sid))
        return c

    def fetch_call(self, p, path):
        return 200, self.get_call(path["Sid"])

    def update_call(self, p, path):
        c = self.get_call(path["Sid"])
        with self.lock:
            st = p.get("Status")
            if c["status"] in FINAL_CALL or c.hangup:
                raise Problem(400, 21220, "Call is not in-progress. Cannot redirect.")
            if st == "canceled" and c["status"] not in ("queued", "ringing"):
                raise Problem(400, 21220, "Call is in progress: hang it up with "
                                          "Status=completed")
            if st:
                self.hang_up(c)
            if "Url" in p:
                c.url, c.method, c.twiml = p["Url"], p.get("Method", "POST"), None
            elif "Twiml" in p:
                c.twiml = p["Twiml"]
            if "StatusCallback" in p:
                c.callback = p["StatusCallback"]
        if st:
            c.wake.set()
        return 200, c

    def list_calls(self, p, path, query):
        with self.lock:
            items = sorted(self.calls.values(), key=lambda c: (c.created, c.n), reverse=True)
        items = [c for c in items if match_eq(c, "to", p.get("To"))
                 and match_eq(c, "from", p.get("From"))
                 and match_eq(c, "parent_call_sid", p.get("ParentCallSid"))
                 and match_eq(c, "status", p.get("Status"))
                 and match_time(c.start_ts, p, "StartTime")
                 and match_time(c.end_ts, p, "EndTime")]
        return 200, self.page(items, "calls", "%s/Calls.json" % self.acct(), query)

    # -- recordings --

    def recording_view(self, r, per_call):
        t = rfc2822(r.created)
        base = dict(account_sid=self.cfg.account_sid, api_version=API_VERSION,
                    call_sid=r["call"], conference_sid=None, date_created=t, date_updated=t,
                    start_time=t, duration=str(r["duration"]), sid=r["sid"],
                    price_unit="USD", status="completed", channels=r["channels"],
                    source=r["source"], error_code=None, encryption_details=None,
                    uri="%s/Recordings/%s.json" % (self.acct(), r["sid"]))
        if per_call:
            base.update(price=-0.0025, track="both",
                        uri="%s/Calls/%s/Recordings/%s.json" % (self.acct(), r["call"],
                                                                 r["sid"]))
        else:
            rb = "%s/Recordings/%s" % (self.acct(), r["sid"])
            base.update(price="-0.00250", media_url=r.url, subresource_uris={
                "add_on_results": rb + "/AddOnResults.json",
                "transcriptions": rb + "/Transcriptions.json"})
        return base

    def list_recordings(self, p, path, query):
        call = path.get("CallSid")
        if call:
            self.get_call(call)
        with self.lock:
            items = sorted(self.recordings.values(), key=lambda r: (r.created, r.n), reverse=True)
        items = [r for r in items if (not call or r["call"] == call)
                 and (not p.get("CallSid") or r["call"] == p["CallSid"])
                 and not p.get("ConferenceSid")
                 and match_time(r.created, p, "DateCreated")]
        key = "%s/Calls/%s/Recordings.json" % (self.acct(), call) if call else \
            "%s/Recordings.json" % self.acct()
        views = [self.recording_view(r, bool(call)) for r in items]
        return 200, self.page(views, "recordings", key, query)

    # -- state for tests --

    def state(self):
        with self.lock:
            def msg(m):
                d = dict(m)
                d["media"] = [dict(x, url=x.url) for x in self.media.get(m["sid"], [])]
                d["status_callback"] = m.callback
                return d
            return {
                "messages": [msg(m) for m in sorted(self.messages.values(),
                                                    key=lambda m: (m.created, m.n))],
                "calls": [dict(c, status_callback=c.callback,
                               status_callback_event=sorted(c.events))
                          for c in sorted(self.calls.values(), key=lambda c: (c.created, c.n))],
                "recordings": [self.recording_view(r, False) for r in sorted(
                    self.recordings.values(), key=lambda r: (r.created, r.n))],
                "last_inbound": {k: rfc2822(v) for k, v in self.last_inbound.items()},
                "config": self.cfg.public(),
                "pending": self.active,
                "self_checked": self.self_checked,
            }


def dict_of(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            out[k] = out[k] if isinstance(out[k], list) else [out[k]]
            out[k].append(v)
        else:
            out[k] = v
    return out


def match_eq(obj, key, want):
    return want is None or obj.get(key) == want


def match_time(ts, p, name):
    """Twilio's Name / Name< / Name> filters: on that day, on or before, on or after."""
    for suffix in ("", "<", ">"):
        v = p.get(name + suffix)
        if v is None:
            continue
        if ts is None:
            return False
        when, date_only = parse_datetime(v)
        if date_only:
            day = datetime.fromtimestamp(ts, timezone.utc).date()
            want = datetime.fromtimestamp(when, timezone.utc).date()
            ok = {"": day == want, "<": day <= want, ">": day >= want}[suffix]
        else:
            ok = {"": int(ts) == int(when), "<": ts <= when, ">": ts >= when}[suffix]
        if not ok:
            return False
    return True


def guess_type(url):
    ext = os.path.splitext(urllib.parse.urlsplit(url or "").path)[1].lower()
    return {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
            ".gif": "image/gif", ".pdf": "application/pdf", ".mp4": "video/mp4",
            ".vcf": "text/vcard", ".txt": "text/plain"}.get(ext, "image/jpeg")


# ---- HTTP ---------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "twilio-fake/1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    fake = None  # set in main

    def log_message(self, fmt, *args):
        sys.stderr.write("twilio-fake: %s %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            out = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return out
                out += self.rfile.read(size)
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, body, ctype="application/json; charset=utf-8", headers=None):
        if not isinstance(body, bytes):
            body = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Twilio-Request-Id", new_sid("RQ"))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self, method):
        fake = self.fake
        u = urllib.parse.urlsplit(self.path)
        try:
            body = self.read_body()
        except (ValueError, OSError) as e:
            self.close_connection = True
            return self.send(400, {"code": 80701, "message": "unreadable request body: %s" % e,
                                   "more_info": "https://www.twilio.com/docs/errors/80701",
                                   "status": 400})
        if u.path.startswith("/_fake/"):
            try:
                status, obj = self.control(method, u.path, u.query, body)
            except Problem as p:
                status, obj = p.status, error_body(p)
            except (ValueError, TypeError, AttributeError) as e:
                status, obj = 400, {"code": 80701, "message": "bad control request: %s" % e,
                                    "more_info": "https://www.twilio.com/docs/errors/80701",
                                    "status": 400}
            with self.fake.lock:
                obj = json.loads(json.dumps(obj))
            return self.send(status, obj)
        entry = {"time": iso(now_ts()), "method": method, "path": u.path, "query": {},
                 "params": {}, "auth_user": None, "operation": None,
                 "content_type": self.headers.get("Content-Type")}
        headers = {}
        op_id, op = None, None
        try:
            result = self.guarded_api(method, u, body, entry)
            if isinstance(result, tuple) and len(result) == 3:  # raw bytes
                status, raw, ctype = result
                entry["status"], entry["beyond_spec"] = status, True
                fake.requests.write(entry)
                return self.send(status, raw, ctype)
            status, obj, op_id, op = result
        except Problem as p:
            status, obj, headers = p.status, error_body(p), p.headers
            entry["code"] = p.code
            op_id = entry.get("operation")
            if p.violation:
                fake.violations.write({"time": entry["time"], "side": "request",
                                       "method": method, "path": u.path,
                                       "operation": op_id, "query": entry["query"],
                                       "params": entry["params"], "status": p.status,
                                       "code": p.code, "errors": p.details or [p.message]})
        entry["status"] = status
        if isinstance(obj, dict) and isinstance(obj.get("sid"), str):
            entry["sid"] = obj["sid"]
        with fake.lock:
            payload = json.loads(json.dumps(obj))  # a snapshot taken under the lock
        if fake.cfg.self_check:
            self.self_check(status, payload, op, op_id, u.path)
        fake.requests.write(entry)
        self.send(status, payload, headers=headers)

    def self_check(self, status, payload, op, op_id, path):
        fake = self.fake
        errs = []
        if status >= 400:
            check_response(fake.spec, ERROR_SCHEMA, payload, "error", errs)
            if payload.get("status") != status:
                errs.append("error.status %r differs from HTTP %d" % (payload.get("status"),
                                                                      status))
        else:
            schema = fake.spec.response_schema(op, status) if op else None
            if schema is None:
                errs.append("%s: the spec defines no %d response" % (op_id, status))
            else:
                check_response(fake.spec, schema, payload, op_id, errs)
        with fake.lock:
            fake.self_checked += 1
        if errs:
            sys.stderr.write("twilio-fake: SELF-CHECK %s %s: %s\n" % (op_id, path, errs))
            fake.violations.write({"time": iso(now_ts()), "side": "response",
                                   "operation": op_id, "path": path, "status": status,
                                   "errors": errs})

    # -- the Twilio API --

    def guarded_api(self, method, u, body, entry):
        try:
            return self.api(method, u, body, entry)
        except Problem:
            raise
        except Exception:  # a bug in the fake: answer 500 and make the test fail
            traceback.print_exc()
            self.fake.violations.write({"time": iso(now_ts()), "side": "fake",
                                        "path": u.path, "errors": [traceback.format_exc()]})
            raise Problem(500, 20500, "An internal server error has occurred (fake bug)")

    def api(self, method, u, body, entry):
        fake, spec = self.fake, self.fake.spec
        extra = self.beyond_spec(method, u.path)
        if extra:
            self.authenticate(extra[0], entry, required_violation=False)
            return extra[1]()
        hit = spec.match(u.path)
        if hit is None:
            raise Problem(404, 20404, "The requested resource %s was not found" % u.path,
                          violation=True, details=["no path of the spec matches " + u.path])
        tmpl, item, path_params = hit
        op = item.get(method.lower())
        if op is None:
            raise Problem(405, 20004, "Method not allowed", violation=True,
                          details=["%s is not defined for %s" % (method, tmpl)])
        op_id = op.get("operationId")
        entry["operation"] = op_id
        errs, missing = [], []
        for name, prm in spec.parameters(item, op, "path").items():
            check_scalar(spec, spec.resolve(prm.get("schema", {})), name,
                         path_params.get(name, ""), errs)
        if errs:
            raise Problem(404, 20404, "The requested resource %s was not found" % u.path,
                          violation=True, details=["%s: %s" % e for e in errs])
        self.authenticate(path_params.get("AccountSid"), entry)

        try:
            query = parse_form(u.query.encode())
        except ValueError as e:
            raise Problem(400, 80701, "The query string is invalid: %s" % e, violation=True)
        entry["query"] = dict_of(query)
        qmulti = multi(query)
        qparams = spec.parameters(item, op, "query")
        for name, values in qmulti.items():
            if name not in qparams:
                errs.append((name, "unknown query parameter"))
            else:
                check_param(spec, qparams[name].get("schema", {}), name, values, errs)
        for name, prm in qparams.items():
            if prm.get("required") and name not in qmulti:
                missing.append((name, "required"))

        form_schema = spec.form_schema(op)
        form = []
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if form_schema is None:
            if body:
                errs.append(("(body)", "%s takes no request body" % op_id))
        elif body or ctype:
            if ctype != "application/x-www-form-urlencoded":
                raise Problem(415, 80701, "Unsupported Media Type: send the parameters as "
                              "application/x-www-form-urlencoded, not %s" % (ctype or "nothing"),
                              violation=True, details=["Content-Type %r" % ctype])
            try:
                form = parse_form(body)
            except ValueError as e:
                raise Problem(400, 80701, "The request body is not a valid form: %s" % e,
                              violation=True)
        entry["params"] = dict_of(form)
        fmulti = multi(form)
        props = (form_schema or {}).get("properties", {})
        for name, values in fmulti.items():
            if name not in props:
                errs.append((name, "unknown parameter"))
            else:
                check_param(spec, props[name], name, values, errs)
        present = {k for k, vs in fmulti.items() if any(v != "" for v in vs)}
        for name in (form_schema or {}).get("required", []):
            if name not in present:
                missing.append((name, "required"))
        for group in op.get("x-twilio", {}).get("conditional", []):
            names = [camel(g) for g in group]
            if not any(n in present for n in names):
                missing.append((names[0], "one of %s is required" % ", ".join(names)))
        if op_id == "CreateCall" and "StatusCallbackEvent" in fmulti:
            enum = spec.schemas.get("call_enum_event", {}).get("enum")
            for v in fmulti["StatusCallbackEvent"]:
                for ev in v.split():
                    if enum and ev not in enum:
                        errs.append(("StatusCallbackEvent", "'%s' is not one of %s" % (
                            ev, ", ".join(enum))))
        if missing or errs:
            raise self.param_problem(op_id, missing + errs)

        handler = {
            "CreateMessage": fake.create_message, "FetchMessage": fake.fetch_message,
            "UpdateMessage": fake.update_message, "ListMessage": fake.list_messages,
            "ListMedia": fake.list_media, "CreateCall": fake.create_call,
            "FetchCall": fake.fetch_call, "UpdateCall": fake.update_call,
            "ListCall": fake.list_calls, "ListRecording": fake.list_recordings,
            "ListCallRecording": fake.list_recordings,
        }.get(op_id)
        if handler is None:
            raise Problem(501, 20501, "%s is in the spec but the fake does not implement it"
                          % op_id)
        p = {k: (vs if props.get(k, {}).get("type") == "array" else vs[-1])
             for k, vs in fmulti.items()}
        p.update({k: vs[-1] for k, vs in qmulti.items()})
        if op_id.startswith("List"):
            status, obj = handler(p, path_params, qmulti)
        else:
            status, obj = handler(p, path=path_params)
        return status, obj, op_id, op

    def param_problem(self, op_id, errs):
        name, why = errs[0]
        missing, invalid = PARAM_CODES.get(op_id, {}).get(name, (None, None))
        if why == "unknown parameter" or why == "unknown query parameter":
            code, msg = 20001, "Unknown parameter: %s" % name
        elif why == "required" or why.startswith("one of"):
            code = missing or 80701
            msg = "A '%s' parameter is required%s" % (
                name, "" if why == "required" else " (%s)" % why)
        else:
            code = invalid or 80701
            msg = "'%s' is invalid. %s" % (name, why)
        return Problem(400, code, msg, violation=True,
                       details=["%s: %s" % e for e in errs])

    def authenticate(self, account, entry, required_violation=True):
        cfg = self.fake.cfg
        h = self.headers.get("Authorization") or ""
        if not h.lower().startswith("basic "):
            raise Problem(401, 20003, "Authentication Error - No credentials provided",
                          violation=required_violation,
                          details=["no HTTP Basic credentials (security accountSid_authToken)"],
                          headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
        try:
            user, _, pw = base64.b64decode(h[6:].strip(), validate=True).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            raise Problem(401, 20003, "Authentication Error - invalid Authorization header",
                          violation=required_violation, details=["undecodable Basic credentials"],
                          headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})
        entry["auth_user"] = user
        ok = (user == cfg.account_sid and hmac.compare_digest(pw.encode(), cfg.auth_token.encode())
              ) or (cfg.api_key and user == cfg.api_key
                    and hmac.compare_digest(pw.encode(), (cfg.api_secret or "").encode()))
        if not ok or account != cfg.account_sid:
            raise Problem(401, 20003, "Authentication Error - invalid username",
                          headers={"WWW-Authenticate": 'Basic realm="Twilio API"'})

    def beyond_spec(self, method, path):
        """Media and recording bytes: (account, producer) or None."""
        fake = self.fake
        m = re.match(r"^/2010-04-01/Accounts/([^/]+)/Messages/([^/]+)/Media/(ME[0-9a-f]{32})$",
                     path)
        if m and method == "GET":
            def media():
                with fake.lock:
                    items = fake.media.get(m.group(2), [])
                me = next((x for x in items if x["sid"] == m.group(3)), None)
                if me is None:
                    raise Problem(404, 20404, "The requested resource %s was not found" % path)
                return 200, b"fake media " + me["sid"].encode() + b"\n", me["content_type"]
            return m.group(1), media
        m = re.match(r"^/2010-04-01/Accounts/([^/]+)/Recordings/(RE[0-9a-f]{32})\.(mp3|wav)$",
                     path)
        if m and method == "GET":
            def rec():
                with fake.lock:
                    r = fake.recordings.get(m.group(2))
                if r is None:
                    raise Problem(404, 20404, "The requested resource %s was not found" % path)
                ctype = "audio/mpeg" if m.group(3) == "mp3" else "audio/x-wav"
                return 200, b"fake recording " + r["sid"].encode() + b"\n", ctype
            return m.group(1), rec
        return None

    # -- control endpoints --

    def control(self, method, path, query, body):
        fake = self.fake
        p = {}
        pairs = parse_form(query.encode())
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype == "application/json":
            obj = json.loads(body)
            pairs += [(k, x) for k, v in obj.items()
                      for x in (v if isinstance(v, list) else [v])]
        elif body:
            pairs += parse_form(body)
        for k, v in pairs:
            p[k] = str(v)
            p.setdefault(k + "_list", [])
        for k, v in pairs:
            p[k + "_list"].append(str(v))
        if path == "/_fake/state" and method == "GET":
            return 200, fake.state()
        if path == "/_fake/reset" and method == "POST":
            fake.reset()
            return 200, {"reset": True}
        if path == "/_fake/speed":
            if method == "POST":
                f = float(p.get("Factor") or p.get("factor") or "nan")
                if not f >= 0:
                    raise Problem(400, 80701, "Factor must be a number >= 0")
                fake.cfg.speed = f
            return 200, {"speed": fake.cfg.speed}
        if path == "/_fake/config" and method == "POST":
            keys = {"InboundUrl": ("inbound_url", str), "PublicBase": ("public_base", str),
                    "DeliverBase": ("deliver_base", str), "CallDuration": ("call_duration", int),
                    "SlowSeconds": ("slow_seconds", float),
                    "ServiceSender": ("service_sender", str)}
            for k, v in p.items():
                if k.endswith("_list"):
                    continue
                if k not in keys:
                    raise Problem(400, 20001, "Unknown config key %s" % k)
                attr, conv = keys[k]
                setattr(fake.cfg, attr, conv(v) if v != "" else None)
            return 200, fake.cfg.public()
        if path == "/_fake/inbound" and method == "POST":
            return fake.inbound(p)
        if path == "/_fake/wait" and method == "GET":
            deadline = time.monotonic() + float(p.get("Timeout") or 10)
            with fake.lock:
                while fake.active:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return 504, {"idle": False, "pending": fake.active}
                    fake.idle.wait(left)
            return 200, {"idle": True, "pending": 0}
        raise Problem(404, 20404, "No control endpoint %s %s" % (method, path))


def parse_form(raw):
    """application/x-www-form-urlencoded -> [(name, value)] (UTF-8, strict)."""
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        raise ValueError("raw non-ASCII bytes: values must be percent-encoded")
    try:
        return urllib.parse.parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                      errors="strict")
    except UnicodeDecodeError:
        raise ValueError("a percent-encoded value is not UTF-8")


def multi(pairs):
    out = {}
    for k, v in pairs:
        out.setdefault(k, []).append(v)
    return out


def error_body(p):
    return {"code": p.code, "message": p.message,
            "more_info": "https://www.twilio.com/docs/errors/%d" % p.code, "status": p.status}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake Twilio REST API for hark's tests "
                                             "(see the header of this file).")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port (see DIR/port)")
    ap.add_argument("--dir", required=True, help="where the .jsonl logs and port file go")
    ap.add_argument("--account-sid", default="AC" + "0" * 32)
    ap.add_argument("--auth-token", default="test-auth-token")
    ap.add_argument("--api-key", default=None, help="SK... key SID accepted as Basic user")
    ap.add_argument("--api-secret", default=None)
    ap.add_argument("--inbound-url", default=None, help="where inbound webhooks go")
    ap.add_argument("--public-base", default=None,
                    help="URL base signatures are computed over (a relay behind a proxy)")
    ap.add_argument("--deliver-base", default=None,
                    help="where callbacks whose URL starts with the public base are sent")
    ap.add_argument("--api-base", default=None,
                    help="this fake's own base URL in RecordingUrl and media URLs")
    ap.add_argument("--speed", type=float, default=1.0, help="delay factor (0.01 = 100x faster)")
    ap.add_argument("--call-duration", type=int, default=42, help="seconds a call talks")
    ap.add_argument("--self-check", action="store_true",
                    help="check every response against the spec's response schema")
    a = ap.parse_args(argv)
    if not re.match(r"^AC[0-9a-fA-F]{32}$", a.account_sid):
        ap.error("--account-sid must match ^AC[0-9a-fA-F]{32}$")
    if bool(a.api_key) != bool(a.api_secret) or (a.api_key and not a.api_key.startswith("SK")):
        ap.error("--api-key SK... and --api-secret go together")
    spec_path = os.environ.get("TWILIO_SPEC") or DEFAULT_SPEC
    spec = Spec(spec_path)
    os.makedirs(a.dir, exist_ok=True)

    server = ThreadingHTTPServer((a.host, a.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if not a.api_base:
        a.api_base = "http://%s:%d" % (a.host, port)
    cfg = Config(a)
    Handler.fake = Fake(spec, cfg, a.dir)
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write("%d\n" % port)
    os.replace(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("twilio-fake: listening on http://%s:%d (spec %s, %d paths, account %s, speed %g%s)"
          % (a.host, port, os.path.basename(spec_path), len(spec.routes), a.account_sid,
             a.speed, ", self-check" if a.self_check else ""), flush=True)
    server.serve_forever(poll_interval=0.1)
    server.server_close()
    print("twilio-fake: stopped", flush=True)


if __name__ == "__main__":
    main()
