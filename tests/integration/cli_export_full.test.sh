# cli_export_full: everything a history holds survives export → import into
# an empty database → export, byte for byte; `hark db check` finds the copy
# sound; every table holds the same rows, compared by what they mean rather
# than by row ids.
. "$TESTS/lib.sh"

# ---- the demo inbox ------------------------------------------------------------
expect_exit 0 "export the demo" -- hark --demo export -o demo.jsonl
export HARK_DB="$HOME/demo-copy.db"
expect_exit 0 "the demo imports into an empty database" -- hark import demo.jsonl
contains "nothing rejected" "0 lines rejected"
expect_exit 0 "export the copy" -- hark export -o demo-again.jsonl
cmp -s demo.jsonl demo-again.jsonl || fail "the demo changed on the way: $(diff demo.jsonl demo-again.jsonl | head -n 20)"
ok "demo → import → export is byte-identical"
expect_exit 0 "the copy passes hark db check" -- hark db check
contains "integrity" "integrity: ok"

# ---- a history with every kind of field -----------------------------------------
export HARK_DB="$HOME/src.db"
printf 'quote pdf bytes\n' > quote.pdf
cat > base.jsonl <<'L'
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"out","timestamp":"2026-11-20T10:02:00.125Z","body":"Your quote, \"roof\", is ready;\nreply YES","provider":"twilio","provider_id":"SM1","price":"-0.0079","currency":"USD","segments":2}
{"channel":"sms","contact":"Ann Lee","address":"+14155552671","direction":"in","timestamp":"2026-11-20T10:05:00Z","body":"YES","provider":"twilio","provider_id":"SM2"}
{"channel":"email","contact":"Ann Lee","address":"ann@example.com","direction":"in","timestamp":"2026-11-20T11:00:00Z","subject":"Re: Quote","body":"From here on, please email.\nThanks","provider":"imap","provider_id":"imap-7","message_id":"<r1@example.com>","in_reply_to":"<q12@example.com>","references":"<q12@example.com>"}
{"channel":"voice","contact":"Bo Diaz","address":"+442079460958","direction":"out","timestamp":"2026-11-21T08:15:00Z","body":"Outgoing call","provider":"twilio","provider_id":"CA1","status":"delivered","price":"-0.013","currency":"GBP"}
{"channel":"whatsapp","contact":"Bo Diaz","address":"+442079460958","direction":"out","timestamp":"2026-11-21T09:00:00Z","body":"Hi Bo, your viewing is at 5","provider":"twilio","provider_id":"SM3","status":"failed","error_code":"63016","error_text":"Outside the 24h window"}
{"channel":"sms","contact":"Bo Diaz","address":"+442079460958","direction":"out","timestamp":"2026-11-21T09:00:05Z","body":"Hi Bo, your viewing is at 5","provider":"twilio","provider_id":"SM4"}
L
expect_exit 0 "import the base history" -- hark import base.jsonl
ann=$(sql "SELECT id FROM contacts WHERE name = 'Ann Lee'")
bo=$(sql "SELECT id FROM contacts WHERE name = 'Bo Diaz'")
msg() { sql "SELECT id FROM messages WHERE provider_id = '$1'"; }
sqlite3 "$HARK_DB" <<SQL || fail "seeding the rich history"
UPDATE contacts SET company = 'Lee Roofing, Inc.', notes = 'Prefers mornings; gate code 4471',
  fields = '{"birthday":"1984-03-02","budget":415000,"source":"=referral"}' WHERE id = $ann;
INSERT INTO contact_tags VALUES ($ann, 'vip'), ($ann, 'lead'), ($bo, 'investor');
INSERT INTO identities (contact_id, kind, address, label) VALUES ($ann, 'whatsapp', '+14155552671', 'work');
INSERT INTO preferences (contact_id, preferred_channel, fallback_order, timezone, quiet_start, quiet_end, frequency_cap)
  VALUES ($ann, 'whatsapp', 'whatsapp,sms,email', 'America/Los_Angeles', 1260, 480, 3);
UPDATE conversations SET status = 'snoozed', snooze_until = 1795200000000 WHERE contact_id = $ann;
INSERT INTO opt_outs (channel, address, contact_id, at, source, reason) VALUES
  ('whatsapp', '+442079460958', $bo, 1795300000000, 'keyword', 'STOP'),
  ('email', 'gone@example.com', NULL, 1795300000001, 'unsubscribe', NULL);
DELETE FROM message_status_history WHERE message_id = $(msg SM1);
INSERT INTO message_status_history (message_id, status, error_code, error_text, at) VALUES
  ($(msg SM1), 'queued', NULL, NULL, 1795168920125), ($(msg SM1), 'sent', NULL, NULL, 1795168921000),
  ($(msg SM1), 'delivered', NULL, NULL, 1795168925000);
UPDATE messages SET status = 'delivered', sent_at = 1795168921000, delivered_at = 1795168925000,
  encoding = 'UCS-2', scheduled_at = 1795168900000 WHERE provider_id = 'SM1';
UPDATE messages SET seen = 0 WHERE provider_id = 'SM2';
UPDATE conversations SET unread = 1 WHERE contact_id = $ann;
INSERT INTO message_status_history (message_id, status, error_code, error_text, at) VALUES
  ($(msg SM3), 'failed', '63016', 'Outside the 24h window', 1795251601000);
INSERT INTO attachments (message_id, filename, content_type, size, url, path) VALUES
  ($(msg imap-7), 'quote.pdf', 'application/pdf', 16, NULL, '$HOME/quote.pdf'),
  ($(msg SM2), NULL, 'image/jpeg', -1, 'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/SM2/Media/ME1', NULL);
INSERT INTO mail (message_id, raw_path, raw_sha256, raw_size, html, from_name, warning, folder)
  VALUES ($(msg imap-7), '$HOME/quote.pdf', 'ab12', 16, '<p>From here on, please email.</p>', 'Ann Lee', NULL, 'INBOX');
INSERT INTO calls (message_id, status, duration_s, recording_url, outcome, notes, bridged, updated_at)
  VALUES ($(msg CA1), 'completed', 754, 'https://api.twilio.com/rec/RE1', 'reached', 'Wants a second viewing', 1, 1795247700000);
INSERT INTO templates (name, category, current_version, created_at) VALUES ('viewing', 'property', 2, 1795000000000);
INSERT INTO template_versions (template_id, version, sms_body, whatsapp_body, whatsapp_content_sid, created_at)
  VALUES ((SELECT id FROM templates WHERE name = 'viewing'), 1, 'Viewing at {{viewing_at}}', NULL, NULL, 1795000000000),
         ((SELECT id FROM templates WHERE name = 'viewing'), 2, 'Hi {{first_name}}, your viewing is at {{viewing_at}}',
          'Hi {{first_name}}, your viewing is at {{viewing_at}}', 'HX123', 1795100000000);
INSERT INTO template_variants (template_version_id, name, weight, sms_body)
  VALUES ((SELECT v.id FROM template_versions v JOIN templates t ON t.id = v.template_id WHERE t.name = 'viewing' AND v.version = 2), 'B', 3, 'Bo: viewing {{viewing_at}}');
UPDATE messages SET template_version_id = (SELECT v.id FROM template_versions v JOIN templates t ON t.id = v.template_id
  WHERE t.name = 'viewing' AND v.version = 2), variant = 'B', content_sid = 'HX123', content_vars = '{"1":"Bo","2":"5pm"}'
  WHERE provider_id IN ('SM3', 'SM4');
SQL
if sql "SELECT 1 FROM pragma_table_info('messages') WHERE name = 'fallback_of'" | grep -q 1; then
	sqlite3 "$HARK_DB" "UPDATE messages SET fallback_of = $(msg SM3) WHERE provider_id = 'SM4'"
fi
ok "seeded: history, attachments, a call, email facts, templates, custom fields, preferences, opt-outs"

expect_exit 0 "export everything" -- hark export -o full.jsonl
export HARK_DB="$HOME/dst.db"
expect_exit 0 "import into an empty database" -- hark import full.jsonl
contains "every line imports" "imported 6 messages, 0 already present, 0 lines rejected; 2 contacts; 1 template"
expect_exit 0 "export the copy" -- hark export -o full-again.jsonl
cmp -s full.jsonl full-again.jsonl || fail "the round trip changed something: $(diff full.jsonl full-again.jsonl)"
ok "export → import → export is byte-identical"
expect_exit 0 "hark db check is clean" -- hark db check
contains "integrity" "integrity: ok"
expect_exit 0 "importing the file again" -- hark import full.jsonl
contains "adds no message" "imported 0 messages, 6 already present"

# Every table holds the same rows, row ids replaced by what they point at.
python3 - "$HOME/src.db" "$HOME/dst.db" <<'P' || fail "the databases differ"
import sqlite3, sys
TABLES = ["contacts", "identities", "contact_tags", "conversations", "preferences",
          "opt_outs", "templates", "template_versions", "template_variants", "messages",
          "message_status_history", "attachments", "calls", "mail"]
def rows(path):
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    contact = {r[0]: r[1] for r in db.execute("SELECT id, name FROM contacts")}
    message = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, provider, provider_id FROM messages")}
    template = {r[0]: r[1] for r in db.execute("SELECT id, name FROM templates")}
    version = {r[0]: (template[r[1]], r[2]) for r in db.execute("SELECT id, template_id, version FROM template_versions")}
    refs = {"contact_id": contact, "message_id": message, "template_id": template,
            "template_version_id": version, "fallback_of": message}
    out = {}
    for t in TABLES:
        got = []
        for r in db.execute("SELECT * FROM " + t):
            d = {}
            for k in r.keys():
                if k in ("id", "sort_key"):
                    continue
                v = r[k]
                if k in refs and not (t == "messages" and k == "message_id") and v is not None:
                    v = refs[k][v]
                d[k] = v
            got.append(tuple(sorted(d.items(), key=lambda kv: kv[0])))
        out[t] = sorted(got, key=repr)
    return out
a, b = rows(sys.argv[1]), rows(sys.argv[2])
bad = 0
for t in a:
    if a[t] != b[t]:
        bad = 1
        print("table %s differs:\n  src %s\n  dst %s" % (t, a[t], b[t]))
    elif not a[t]:
        bad = 1
        print("table %s is empty: the fixture should fill it" % t)
sys.exit(bad)
P
ok "every table holds the same rows in both databases"
