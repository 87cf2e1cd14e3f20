#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with a fresh, unlocked GNOME Keyring, so the
# keychain tests use a real keychain without touching the user's own one.
set -euo pipefail
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  echo "tests need dbus and gnome-keyring (apt-get install dbus gnome-keyring); .ci/run installs them" >&2
  exit 1
fi
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
export KEYRING_HOME="$keyring_home"
exec dbus-run-session -- bash -c '
  printf "litbox-test-keyring" | XDG_DATA_HOME="$KEYRING_HOME" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
  exec "$@"
' with-test-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2)
