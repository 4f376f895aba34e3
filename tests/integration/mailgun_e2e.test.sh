# mailgun_e2e: email through Mailgun end to end, with real processes on
# loopback — `hark send` talks to the fake Messages API (multipart, Basic
# api:KEY, the domain's region), the fake posts its HMAC-signed event
# webhooks and route-forwarded mail to `hark relay`, and the relay stores
# them: delivered, opened, clicked, bounced, spam complaints and
# unsubscribes (opt-outs), retries after 429 and 500, a lost answer, an
# inbound reply with an attachment, and forged posts refused.
. "$TESTS/email_lib.sh"
em_setup mailgun
. "$TESTS/email_e2e.sh"
em_finish
