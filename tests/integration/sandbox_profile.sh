# sandbox_profile.sh — sourced by tests: a config with one sandbox account and a
# database in the test's HOME.
mkdir -p "$XDG_CONFIG_HOME/hark"
cat > "$XDG_CONFIG_HOME/hark/config" <<CFG
[general]
default_region = US

[identity]
name = Test Seller

[account sandbox]
provider = sandbox
from_phone = +14155550100
from_email = me@sandbox.hark.test
CFG
export HARK_DB="$HOME/hark.db"
