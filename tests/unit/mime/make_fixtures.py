#!/usr/bin/env python3
# make_fixtures.py — writes the .eml fixtures of test_mime.c and test_mail_ingest.c
# (exact bytes in legacy charsets are easier to state here than in an editor).
# Run from this directory: python3 make_fixtures.py
import base64
import random


def w(name, data):
    with open(name, 'wb') as f:
        f.write(data)


# ISO-8859-1, quoted-printable, encoded words in From and Subject
w('latin1_qp.eml', b"""From: =?ISO-8859-1?Q?Ren=E9_Dupr=E9?= <Rene@Example.COM>
To: sales@hark.test
Subject: =?iso-8859-1?q?Caf=E9_cr=E8me?= order
Date: Mon, 23 Nov 2026 10:00:00 +0000
Message-ID: <latin1.1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=ISO-8859-1
Content-Transfer-Encoding: quoted-printable

Bonjour, je voudrais un caf=E9 cr=E8me et une cr=EApe.=20
This line is soft=
 wrapped.
""")

# windows-1252 in 8 bits, and unencoded 8-bit in the Subject
w('cp1252.eml', b"From: bob@example.com\nTo: sales@hark.test\nSubject: Price \x80 10\n"
  b"Message-ID: <cp1252@example.com>\nContent-Type: text/plain; charset=windows-1252\n"
  b"Content-Transfer-Encoding: 8bit\n\n\x93Quoted\x94 \x96 costs \x8010.\n")

# UTF-8 in base64, raw UTF-8 in a display name, To and Cc
body = "Grüße aus München — 你好 🙂\n".encode()
w('utf8_b64.eml', b"From: \"" + "Jürgen".encode() + b"\" <j@example.de>\n"
  b"To: a@hark.test, \"B\" <b@hark.test>\nCc: c@hark.test\nSubject: =?UTF-8?B?" +
  base64.b64encode("Grüße".encode()) + b"?=\nMessage-ID: <utf8@example.de>\n"
  b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" +
  base64.encodebytes(body))

# Shift_JIS body, ISO-2022-JP encoded word
sj = "こんにちは、見積もりをお願いします。\n".encode('shift_jis')
w('shift_jis.eml', b"From: tanaka@example.jp\nTo: sales@hark.test\nSubject: =?ISO-2022-JP?B?" +
  base64.b64encode("見積もり".encode('iso2022_jp')) + b"?=\nMessage-ID: <sjis@example.jp>\n"
  b"Content-Type: text/plain; charset=Shift_JIS\nContent-Transfer-Encoding: 8bit\n\n" + sj)

# multipart/alternative, threading headers (References folded over two lines)
w('alternative.eml', b"""From: Ann Lee <ann@example.com>
To: sales@hark.test
Subject: Quote
Message-ID: <alt@example.com>
In-Reply-To: <hark.42@hark.test>
References: <first@hark.test>
 <hark.42@hark.test>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset=utf-8

Plain version wins.
--ALT
Content-Type: text/html; charset=utf-8

<html><body><p>HTML <b>version</b></p></body></html>
--ALT--
""")

# HTML only
w('html_only.eml', b"""From: news@example.com
To: sales@hark.test
Subject: Newsletter
Message-ID: <html@example.com>
Content-Type: text/html; charset=utf-8

<html><head><title>T</title><style>p{color:red}</style><script>alert(1)</script></head>
<body><h1>Hello&nbsp;there</h1><p>Fish &amp; chips &#8364;5 &#x263A;</p>
<ul><li>one</li><li>two</li></ul>
<p>See <a href="https://example.com/x">our site</a>.</p>
<blockquote><p>quoted words</p></blockquote>
<!-- hidden comment --></body></html>
""")

# multipart/mixed > related > alternative, an inline image, an RFC 2231 file name
png = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + bytes(range(256))
pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4 + b"%%EOF\n"
w('nested.eml', b"""From: Ann Lee <ann@example.com>
To: sales@hark.test
Subject: Invoice
Message-ID: <nested@example.com>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="MIX"

--MIX
Content-Type: multipart/related; boundary="REL"

--REL
Content-Type: multipart/alternative; boundary="ALT"

--ALT
Content-Type: text/plain; charset=utf-8

See the invoice attached.
--ALT
Content-Type: text/html; charset=utf-8

<p>See the invoice <img src="cid:logo@x" alt="logo"></p>
--ALT--
--REL
Content-Type: image/png
Content-ID: <logo@x>
Content-Disposition: inline
Content-Transfer-Encoding: base64

""" + base64.encodebytes(png) + b"""--REL--
--MIX
Content-Type: application/pdf
Content-Disposition: attachment;
 filename*=UTF-8''Rechnung%20f%C3%BCr%20M%C3%A4rz.pdf
Content-Transfer-Encoding: base64

""" + base64.encodebytes(pdf) + b"""--MIX--
""")
w('nested.pdf', pdf)
w('nested.png', png)

# a multipart without its boundary parameter
w('no_boundary.eml', b"""From: carl@example.com
To: sales@hark.test
Subject: Broken multipart
Message-ID: <nob@example.com>
Content-Type: multipart/mixed

--whatever
Content-Type: text/plain

text that must not be lost
--whatever--
""")

# cut off in the middle of a part
w('truncated.eml', b"""From: dora@example.com
To: sales@hark.test
Subject: Cut off
Message-ID: <trunc@example.com>
Content-Type: multipart/mixed; boundary="B"

--B
Content-Type: text/plain

The first part arrived.
--B
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

AAECAwQFBgcICQ""")

# no message at all: random bytes, a NUL and a terminal escape
random.seed(5)
w('garbage.eml', bytes(random.randrange(256) for _ in range(600)) + b"\x00tail\x1b[31m")

# encoded words split over two words, an RFC 2047 file name
w('encoded_words.eml', b"""From: =?utf-8?q?Zo=C3=AB?= =?utf-8?q?_Saldana?= <zoe@example.com>
To: sales@hark.test
Subject: =?utf-8?B?UmU6IHByaWNl?= =?utf-8?Q?_=E2=82=AC?=
Message-ID: <ew@example.com>
Content-Type: multipart/mixed; boundary=b1

--b1
Content-Type: text/plain; charset=utf-8

hi
--b1
Content-Type: text/csv; name="=?utf-8?Q?pr=C3=A9ces.csv?="
Content-Disposition: attachment; filename="=?utf-8?Q?pr=C3=A9ces.csv?="

a,b
1,2
--b1--
""")
