# sendgrid_e2e: email through SendGrid end to end, with real processes on
# loopback — `hark send` talks to the fake v3 Mail Send API (which checks
# every request against SendGrid's spec), the fake posts its ECDSA-signed
# event webhooks and Inbound Parse mail to `hark relay`, and the relay
# stores them: delivered, opened, clicked, bounced, spam reports and
# unsubscribes (opt-outs), retries after 429 and 500, a lost answer, an
# inbound reply with an attachment, and forged posts refused.
. "$TESTS/email_lib.sh"
em_setup sendgrid
. "$TESTS/email_e2e.sh"
em_finish
