#!/bin/bash
# Checks install.sh: into a temporary prefix, the launcher and the certificate script on its PATH
# run from there (the jar found under PREFIX/lib/clustertop), each command has a man page that man
# renders, and bash completion completes the subcommands' options.
#
#   test/install/install-check.sh      # no root needed; exit 0 passed, 1 failed, 77 skipped
set -euo pipefail
cd "$(dirname "$0")/../.."

for tool in asciidoctor man openssl; do
  command -v "$tool" >/dev/null || { echo "SKIP needs $tool (setup.sh installs it)"; exit 77; }
done
[[ -f launcher/target/clustertop.jar ]] || { echo "SKIP no launcher/target/clustertop.jar (mvn -o -q -pl launcher -am package -DskipTests)"; exit 77; }

prefix=$(mktemp -d /tmp/clustertop-install.XXXXXX)
trap 'rm -rf "$prefix"' EXIT
failures=0
check() { # check NAME CONDITION_STATUS DETAIL
  if (($2 == 0)); then printf 'PASS %s: %s\n' "$1" "$3"; else printf 'FAIL %s: %s\n' "$1" "$3"; failures=$((failures + 1)); fi
}

./install.sh --prefix "$prefix" >"$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; echo "FAIL install.sh"; exit 1; }
rm -f "$prefix.log"

version=$(cd / && PATH="$prefix/bin:$PATH" clustertop --version | head -1)
check "clustertop on the PATH runs the installed jar" $([[ $version == "clustertop "[0-9]* ]]; echo $?) "$version"
jar=$(cd / && PATH="$prefix/bin:$PATH" bash -x "$(command -v "$prefix/bin/clustertop")" --version 2>&1 | grep -o "$prefix/lib/clustertop/clustertop.jar" | head -1 || true)
check "from PREFIX/lib/clustertop" $([[ -n $jar ]]; echo $?) "jar: ${jar:-not the installed one}"

for page in clustertop clustertop-agent clustertop-collector clustertop-relay clustertop-console clustertop-cost clustertop-demo; do
  file="$prefix/share/man/man1/$page.1"
  rendered=$(MANWIDTH=100 man -l "$file" 2>/dev/null || true)
  check "man page $page(1)" $([[ $rendered == *"${page^^}(1)"* && $rendered == *SYNOPSIS* ]]; echo $?) "$file"
done
agent_page=$(MANWIDTH=200 man -l "$prefix/share/man/man1/clustertop-agent.1" 2>/dev/null || true)
check "the agent's page has its options" $([[ $agent_page == *"--collector=host:port"* && $agent_page == *"--buffer-seconds"* ]]; echo $?) "--collector, --buffer-seconds"
check "the hidden generators stay out of the pages" $(! grep -q "gen-manpage" "$prefix/share/man/man1/clustertop.1"; echo $?) "no gen-manpage in clustertop(1)"

completion="$prefix/share/bash-completion/completions/clustertop"
# shellcheck disable=SC2016
completed=$(bash -c 'source "$1" 2>/dev/null; COMP_WORDS=(clustertop agent --coll); COMP_CWORD=2; COMP_LINE="clustertop agent --coll"
  COMP_POINT=${#COMP_LINE}; _complete_clustertop 2>/dev/null; echo "${COMPREPLY[*]}"' _ "$completion")
check "bash completion completes an agent option" $([[ $completed == "--collector" ]]; echo $?) "clustertop agent --coll<TAB>: $completed"
subcommands=$(bash -c 'source "$1" 2>/dev/null; COMP_WORDS=(clustertop co); COMP_CWORD=1; COMP_LINE="clustertop co"
  COMP_POINT=${#COMP_LINE}; _complete_clustertop 2>/dev/null; echo "${COMPREPLY[*]}"' _ "$completion")
check "and the subcommands" $([[ $subcommands == *console* && $subcommands == *collector* && $subcommands == *cost* ]]; echo $?) "clustertop co<TAB>: $subcommands"

certs=$(PATH="$prefix/bin:$PATH" clustertop-certs "$prefix/certs" ca >/dev/null && PATH="$prefix/bin:$PATH" clustertop-certs "$prefix/certs" node n1 --ip 10.77.0.1)
check "clustertop-certs on the PATH" $([[ $certs == *"URI:clustertop://node/n1,URI:clustertop://role/agent,IP:10.77.0.1"* ]]; echo $?) "$certs"

((failures == 0)) || { echo "install check FAILED ($failures)"; exit 1; }
echo "install check passed"
