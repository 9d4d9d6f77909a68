#!/usr/bin/env bash
# Writes, for every file in ../shared/pcaps, how many packets libpcap (through tcpdump) reads from
# it: the independent count SharedCapturesDecodeTest holds our reader to. Files libpcap refuses
# outright (unknown format or link type) are left out: we read those as rejected packets or as a
# format error instead.
# Usage: test/captures/shared-counts.sh > agent/src/test/resources/shared-pcaps-libpcap-counts.tsv
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root/../shared/pcaps"
echo -e "# file\tpackets (tcpdump $(tcpdump --version 2>&1 | head -1 | awk '{print $3}'), libpcap --count)"
find . -type f ! -name LICENSE ! -name '*.md' | sed 's|^\./||' | LC_ALL=C sort | while read -r f; do
  out=$(tcpdump -r "$f" --count 2>&1 || true)
  if grep -qE "unknown (data link type|file format)" <<<"$out"; then continue; fi
  n=$(grep -oE '^[0-9]+ packets?' <<<"$out" | awk '{print $1}')
  [ -n "$n" ] && printf '%s\t%s\n' "$f" "$n"
done
