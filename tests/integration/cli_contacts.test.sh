# cli_contacts: adding, listing and importing contacts (CSV and vCard),
# with bad records named and re-imports that duplicate nothing.
. "$TESTS/lib.sh"
export HARK_DB="$HOME/h.db"

expect_exit 0 "add a contact" -- hark contacts add "Ann Lee" --phone "(415) 555-2671" \
    --email ann@example.com --tag vip --tag lead --company "Lee Roofing"
contains "says who was added" "added Ann Lee"
expect_exit 1 "a bad phone number" -- hark contacts add Bob --phone 12
contains "says what is wrong" "invalid phone '12'"
eq "nothing half-added" "$(sql "SELECT count(*) FROM contacts WHERE name = 'Bob'")" 0

expect_exit 0 "list" -- hark contacts list
contains "lists the contact with its number" "+14155552671"
contains "and its tags" "[lead,vip]"
expect_exit 0 "list --json" -- hark contacts list --json
printf '%s' "$OUT" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c[0]["name"] == "Ann Lee" and c[0]["tags"] == ["lead", "vip"], c
assert c[0]["company"] == "Lee Roofing"
' || fail "list --json: $OUT"
ok "list --json parses"

cat > people.csv <<'L'
Name,Phone,Email,Company,Tags,Birthday
Ann Lee,+1 415 555 2671,,,customer,1984-03-02
"Diaz, Bo",+44 7700 900123,bo@example.com,,"lead;uk",
Carl Bad,555-12,carl@example.com,,,
"Dee ""The Roofer"" Okafor","+1 (650) 555-0143","dee@example.com","Okafor
Roofing",,
L
expect_exit 3 "CSV with a bad phone" -- hark contacts import people.csv
contains "the bad record is named by line" "line 4: invalid phone '555-12'"
contains "the summary" "imported 3 contacts (2 new, 1 updated), 1 record rejected"
eq "Ann was updated, not duplicated" "$(sql "SELECT count(*) FROM contacts WHERE name = 'Ann Lee'")" 1
eq "a custom column becomes a field" \
    "$(sql "SELECT json_extract(fields, '\$.Birthday') FROM contacts WHERE name = 'Ann Lee'")" 1984-03-02
eq "quoted names and line breaks survive" \
    "$(sql "SELECT company FROM contacts WHERE name = 'Dee \"The Roofer\" Okafor'")" "Okafor
Roofing"
expect_exit 0 "filter by tag" -- hark contacts list --tag uk
contains "Bo has the tag" "Diaz, Bo"
lacks "Ann has not" "Ann Lee"

expect_exit 3 "the same CSV again" -- hark contacts import people.csv
contains "updates, adds nothing" "(0 new, 3 updated)"
eq "no duplicates" "$(sql 'SELECT count(*) FROM contacts')" 3

printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nN:Evans;Fay;;;\r\nFN:Fay Evans\r\nORG:Evans\\, Sons;Sales\r\nTEL;TYPE=CELL:+1 212 555 0147\r\nTEL;TYPE=WORK:+1 212 555 0148\r\nEMAIL;TYPE=INTERNET:fay@example.com\r\nNOTE:Prefers\r\n  email\r\nCATEGORIES:supplier,ny\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Gus Bad\r\nEMAIL:gus@@example\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Diaz\r\nTEL;VALUE=uri;TYPE=cell:tel:+44-7700-900123\r\nEMAIL:bo.diaz@example.org\r\nEND:VCARD\r\n' > people.vcf
expect_exit 3 "vCard with a bad email" -- hark contacts import people.vcf
contains "the bad card is named by line" "line 13: invalid email 'gus@@example'"
contains "the vCard summary" "imported 2 contacts (1 new, 1 updated), 1 record rejected"
eq "both numbers of a card" \
    "$(sql "SELECT count(*) FROM identities i JOIN contacts c ON c.id = i.contact_id WHERE c.name = 'Fay Evans' AND i.kind = 'phone'")" 2
eq "escaped comma in ORG, folded NOTE" \
    "$(sql "SELECT company || '|' || notes FROM contacts WHERE name = 'Fay Evans'")" "Evans, Sons|Prefers email"
eq "a card for a known number updates that contact" \
    "$(sql "SELECT count(*) FROM identities WHERE address = 'bo.diaz@example.org'")" 1
eq "still no duplicates" "$(sql 'SELECT count(*) FROM contacts')" 4

printf 'nothing,useful\n1,2\n' > junk.csv
expect_exit 1 "a CSV without known columns" -- hark contacts import junk.csv
contains "says what the header needs" "line 1 must name the columns"
expect_exit 1 "an unknown subcommand" -- hark contacts frobnicate

expect_exit 0 "db check on a sound database" -- hark db check
contains "integrity is reported" "integrity: ok"
expect_exit 1 "db without check" -- hark db

expect_exit 1 "an address that belongs to someone else" -- \
    hark contacts add "Ann Two" --email ann@example.com
contains "names the owner" "Ann Lee"
