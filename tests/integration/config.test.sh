# The configuration: errors name file and line, secrets never show.
. "$TESTS/lib.sh"
mkdir -p "$XDG_CONFIG_HOME/hark"
CFG="$XDG_CONFIG_HOME/hark/config"

expect_exit 0 "no configuration file means defaults" -- hark config check
contains "it says so" "no configuration file"

printf '[general]\ndefualt_region = GB\n' > "$CFG"
expect_exit 1 "a typo is refused" -- hark config check
contains "with file and line" "config:2:"
contains "and a suggestion" "default_region"

printf '[general]\ndefault_region = GB\n[account tw]\nprovider = twilio\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = s3cr3t-token\nfrom_phone = +447700900123\n' > "$CFG"
chmod 644 "$CFG"
expect_exit 1 "a plaintext secret in a world-readable file is refused" -- hark config check
contains "it names the line" "config:6:"
contains "it says how to fix it" "chmod 600"
lacks "the secret is not printed" "s3cr3t-token"

chmod 600 "$CFG"
expect_exit 0 "at mode 0600 it is accepted" -- hark config check
contains "the region is set" "GB"
lacks "the secret is masked" "s3cr3t-token"
contains "shown as stars" "********"

printf '[general]\ndefault_region = GB\n[account tw]\nprovider = twilio\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token_cmd = echo leaked-output; exit 3\n' > "$CFG"
expect_exit 1 "a failing secret command is reported" -- hark config check
contains "it names the key" "auth_token"
lacks "its output is never shown" "leaked-output"

printf '[general]\ndefault_region = GB\n' > "$CFG"
export HARK_DB="$HOME/h.db"
expect_exit 1 "a send with no account says where to add one" -- hark send --to '07700 900123' --body hi
contains "it points at the config" "no account can send sms"
