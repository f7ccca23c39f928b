#!/usr/bin/env bash
# Installs the Debian packages that mesolite's tests drive for real (Docker engine,
# busybox for a local image, Chromium for UI tests, python for the talk's examples,
# ZooKeeper for highly available masters, slapd and ldap-utils for LDAP logins).
# Idempotent and quick when everything is present. On a system where it cannot
# install (not Debian, not root), it prints what is missing and exits 0, so the
# tests themselves fail with a message naming the missing piece.
set -euo pipefail

# command-to-check:debian-package
# Tasks run with the default PATH, not the caller's, so interpreters they use are
# checked at their Debian paths (a pyenv shim on the caller's PATH does not count).
needs=(
  "dockerd:docker.io"
  "/bin/busybox:busybox-static"
  "chromium:chromium"
  "/usr/bin/python3:python3"
  "/usr/bin/python:python-is-python3"
  "unzip:unzip"
  "openssl:openssl"
  "/usr/share/zookeeper/bin/zkServer.sh:zookeeper"
  "/usr/sbin/slapd:slapd"
  "ldapadd:ldap-utils"
)

missing=()
for pair in "${needs[@]}"; do
  probe="${pair%%:*}"
  pkg="${pair##*:}"
  if [[ "$probe" == /bin/busybox ]]; then
    # The image is built from a statically linked busybox; busybox-static provides it.
    dpkg -s "$pkg" >/dev/null 2>&1 && continue
  elif [[ "$probe" == /* ]]; then
    [[ -x "$probe" ]] && continue
  else
    command -v "$probe" >/dev/null 2>&1 && continue
  fi
  missing+=("$pkg")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "provision: all test dependencies present"
  exit 0
fi

if [[ -r /etc/debian_version && "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
  echo "provision: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "provision: installed ${missing[*]}"
else
  echo "provision: cannot install here (needs Debian and root). Install these packages" >&2
  echo "provision: or their equivalents, or the tests that need them will fail:" >&2
  echo "provision:   ${missing[*]}" >&2
fi
