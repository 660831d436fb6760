# Shared by the shell tests (sourced): a temporary directory $tmp removed on
# exit, pass/fail counters with ok and bad, and summary NAME, which prints
# "NAME: N passed, M failed" and succeeds only when nothing failed.
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0
failed=0
ok() { pass=$((pass + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
summary() { echo "$1: $pass passed, $failed failed"; [ "$failed" = 0 ]; }
