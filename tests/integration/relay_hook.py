#!/usr/bin/env python3
"""relay_hook.py — plays a provider calling `hark relay` in the relay tests.

Signs requests the way Twilio, Mailgun and SendGrid document it, written
here from the providers' descriptions (not from hark's C code), so a test
fails if either side gets the algorithm wrong. Standard library only;
SendGrid's ECDSA signatures are made with the openssl command.

Prints the HTTP status on the first line and the body after it.

  relay_hook.py twilio PATH [NAME=VALUE ...]      signed form POST
      --unsigned                 no X-Twilio-Signature
      --sign-url URL             sign over URL instead of $PUBLIC_URL + PATH
      --token T                  sign with T instead of $TW_TOKEN
      --content-type CT          send CT (the body stays a form)
      --get                      GET PATH (signed over the URL, no params)
  relay_hook.py mailgun-event EVENT-DATA-JSON [--key K] [--age SECONDS]
  relay_hook.py mailgun-inbound [NAME=VALUE ...] [--key K] [--multipart]
  relay_hook.py sendgrid-events JSON --pem KEY.pem [--unsigned]
  relay_hook.py sendgrid-inbound [NAME=VALUE ...] --key K  (multipart)
  relay_hook.py raw METHOD PATH [--ct CT] [--data STRING | --data-file F]
                                 [--header 'Name: value'] [--declared-length N]
  relay_hook.py flood COUNT FROM                  COUNT signed inbound SMS
  relay_hook.py hangup COUNT                      COUNT webhooks whose clients
                                                  leave before the answer
  relay_hook.py burst COUNT PATH                  COUNT GETs at once, statuses
  relay_hook.py listen SOCKET COUNT [TIMEOUT]     print COUNT lines of the
                                                  event socket
Environment: RELAY_PORT, PUBLIC_URL, TW_TOKEN, MG_KEY.
"""
import base64
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse


def twilio_signature(token, url, params):
    # URL, then each parameter name followed by its value, names sorted.
    s = url
    for name in sorted(set(k for k, _ in params)):
        for value in sorted(set(v for k, v in params if k == name)):
            s += name + value
    mac = hmac.new(token.encode(), s.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def http(method, path, body=b"", headers=None, declared_length=None):
    """A minimal HTTP/1.1 client, so a test can send what urllib would not
    (a Content-Length that lies, bytes that are not a form)."""
    port = int(os.environ["RELAY_PORT"])
    head = "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n" % (
        method, path, port)
    for k, v in (headers or {}).items():
        head += "%s: %s\r\n" % (k, v)
    if method == "POST":
        head += "Content-Length: %d\r\n" % (
            len(body) if declared_length is None else declared_length)
    head += "\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
        s.sendall(head.encode() + body)
        try:
            s.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        data = b""
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    if not data:
        return "000", "", ""
    status = data.split(b" ", 2)[1].decode()
    payload = data.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in data else b""
    hdrs = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return status, hdrs, payload.decode("utf-8", "replace")


def show(result):
    status, hdrs, body = result
    print(status)
    if os.environ.get("SHOW_HEADERS"):
        print(hdrs)
    sys.stdout.write(body)


def pairs(args):
    out = []
    for a in args:
        k, _, v = a.partition("=")
        out.append((k, v))
    return out


def opt(args, name, default=None, flag=False):
    if name in args:
        i = args.index(name)
        if flag:
            del args[i]
            return True
        v = args[i + 1]
        del args[i:i + 2]
        return v
    return False if flag else default


def multipart(fields, boundary="hArKbOuNdArY7"):
    out = b""
    for k, v in fields:
        out += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n"
                % (boundary, k)).encode() + v.encode() + b"\r\n"
    out += ("--%s--\r\n" % boundary).encode()
    return out, "multipart/form-data; boundary=" + boundary


def cmd_twilio(args):
    unsigned = opt(args, "--unsigned", flag=True)
    get = opt(args, "--get", flag=True)
    sign_url = opt(args, "--sign-url")
    token = opt(args, "--token", os.environ.get("TW_TOKEN", ""))
    ct = opt(args, "--content-type", "application/x-www-form-urlencoded")
    path, params = args[0], pairs(args[1:])
    url = sign_url or os.environ["PUBLIC_URL"] + path
    headers = {}
    if not unsigned:
        headers["X-Twilio-Signature"] = twilio_signature(
            token, url, [] if get else params)
    if get:
        return http("GET", path, headers=headers)
    headers["Content-Type"] = ct
    return http("POST", path, urllib.parse.urlencode(params).encode(), headers)


def mailgun_sig(key, age):
    ts = str(int(time.time()) - age)
    token = base64.b16encode(os.urandom(25)).decode().lower()
    sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    return ts, token, sig


def cmd_mailgun_event(args):
    key = opt(args, "--key", os.environ.get("MG_KEY", ""))
    age = int(opt(args, "--age", "0"))
    ts, token, sig = mailgun_sig(key, age)
    body = json.dumps({"signature": {"timestamp": ts, "token": token,
                                     "signature": sig},
                       "event-data": json.loads(args[0])}).encode()
    return http("POST", "/mailgun/events", body,
                {"Content-Type": "application/json"})


def cmd_mailgun_inbound(args):
    key = opt(args, "--key", os.environ.get("MG_KEY", ""))
    mp = opt(args, "--multipart", flag=True)
    ts, token, sig = mailgun_sig(key, 0)
    fields = pairs(args) + [("timestamp", ts), ("token", token),
                            ("signature", sig)]
    if mp:
        body, ct = multipart(fields)
    else:
        body, ct = (urllib.parse.urlencode(fields).encode(),
                    "application/x-www-form-urlencoded")
    return http("POST", "/mailgun/inbound", body, {"Content-Type": ct})


def cmd_sendgrid_events(args):
    pem = opt(args, "--pem")
    unsigned = opt(args, "--unsigned", flag=True)
    body = args[0].encode()
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/json"}
    if not unsigned:
        # ECDSA P-256 / SHA-256 over the timestamp followed by the body.
        der = subprocess.run(["openssl", "dgst", "-sha256", "-sign", pem],
                             input=ts.encode() + body, check=True,
                             stdout=subprocess.PIPE).stdout
        headers["X-Twilio-Email-Event-Webhook-Signature"] = \
            base64.b64encode(der).decode()
        headers["X-Twilio-Email-Event-Webhook-Timestamp"] = ts
    return http("POST", "/sendgrid/events", body, headers)


def cmd_sendgrid_inbound(args):
    key = opt(args, "--key", "")
    body, ct = multipart(pairs(args))
    return http("POST", "/sendgrid/inbound?key=" + key, body,
                {"Content-Type": ct})


def cmd_raw(args):
    ct = opt(args, "--ct")
    data = opt(args, "--data")
    data_file = opt(args, "--data-file")
    declared = opt(args, "--declared-length")
    headers = {}
    while "--header" in args:
        k, _, v = opt(args, "--header").partition(":")
        headers[k.strip()] = v.strip()
    if ct:
        headers["Content-Type"] = ct
    body = data.encode() if data is not None else (
        open(data_file, "rb").read() if data_file else b"")
    return http(args[0], args[1], body, headers,
                int(declared) if declared else None)


def cmd_flood(args):
    """COUNT signed inbound SMS from FROM, one connection each; prints how
    many were answered 200."""
    count, sender = int(args[0]), args[1]
    ok = 0
    for i in range(count):
        params = [("MessageSid", "SM%032d" % i), ("From", sender),
                  ("To", "+14155550100"), ("Body", "flood %d" % i)]
        url = os.environ["PUBLIC_URL"] + "/twilio/message"
        headers = {"X-Twilio-Signature": twilio_signature(
            os.environ["TW_TOKEN"], url, params),
            "Content-Type": "application/x-www-form-urlencoded"}
        if http("POST", "/twilio/message",
                urllib.parse.urlencode(params).encode(), headers)[0] == "200":
            ok += 1
    print(ok)
    return None


def cmd_hangup(args):
    """COUNT signed inbound SMS sent at once on their own connections, each
    closed right after sending, before any answer."""
    count, socks = int(args[0]), []
    port = int(os.environ["RELAY_PORT"])
    for i in range(count):
        params = [("MessageSid", "SM9%031d" % i), ("From", "+14155550198"),
                  ("Body", "gone %d" % i)]
        sig = twilio_signature(os.environ["TW_TOKEN"],
                               os.environ["PUBLIC_URL"] + "/twilio/message",
                               params)
        body = urllib.parse.urlencode(params).encode()
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(("POST /twilio/message HTTP/1.1\r\nHost: x\r\n"
                   "Content-Type: application/x-www-form-urlencoded\r\n"
                   "X-Twilio-Signature: %s\r\nContent-Length: %d\r\n\r\n"
                   % (sig, len(body))).encode() + body)
        socks.append(s)
    for s in socks:
        s.close()
    return None


def cmd_burst(args):
    """COUNT requests GET PATH back to back; prints each status, and after
    the statuses the Retry-After header of the first 429 (taken in the same
    burst: a separate request later may find the bucket refilled)."""
    retry = None
    for _ in range(int(args[0])):
        status, hdrs, _ = http("GET", args[1])
        print(status)
        if status == "429" and retry is None:
            retry = [h for h in hdrs.split("\r\n")
                     if h.lower().startswith("retry-after:")]
    if retry is not None:
        print("first 429: " + (retry[0] if retry else "no Retry-After"))
    return None


def cmd_listen(args):
    path, count = args[0], int(args[1])
    timeout = float(args[2]) if len(args) > 2 else 10
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    buf = b""
    lines = 0
    try:
        while lines < count:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf and lines < count:
                line, buf = buf.split(b"\n", 1)
                print(line.decode(), flush=True)
                lines += 1
    except socket.timeout:
        pass
    return None


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    fn = {"twilio": cmd_twilio, "mailgun-event": cmd_mailgun_event,
          "mailgun-inbound": cmd_mailgun_inbound,
          "sendgrid-events": cmd_sendgrid_events,
          "sendgrid-inbound": cmd_sendgrid_inbound, "raw": cmd_raw,
          "burst": cmd_burst, "flood": cmd_flood, "hangup": cmd_hangup, "listen": cmd_listen}[cmd]
    result = fn(args)
    if result is not None:
        show(result)


if __name__ == "__main__":
    main()
