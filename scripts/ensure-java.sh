#!/usr/bin/env bash
# The record linkage's Spark backend (pyspark, local mode) needs a Java runtime, 17 or newer;
# one test runs the linkage on it. Install Debian's headless JRE with apt-get when missing (as
# root), else say what to install.
set -euo pipefail
if command -v java >/dev/null && java -version 2>&1 | grep -Eq 'version "(1[7-9]|[2-9][0-9])'; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing default-jre-headless for the Spark linkage backend"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
else
  echo "The Spark linkage test needs Java 17+: sudo apt-get install default-jre-headless" >&2
  exit 1
fi
