#!/bin/bash
# Checks install.sh: into a temporary prefix, the launcher and the certificate script on its PATH
# run from there (the jar found under PREFIX/lib/clustertop), each command has a man page that man
# renders, bash completion completes the subcommands' options, and the systemd units are installed
# with their ExecStart the installed launcher (and pass systemd-analyze verify where it is on the
# machine). As root, install.sh runs as on a host, in a mount namespace whose /etc is an overlay on
# the machine's, writes in a tmpfs (the machine's users stay as they were): it makes the users the
# units run as where missing, keeps those there, and enables nothing.
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

# As root: a host's /etc, where the agent's user is there already (its group too), the collector's
# group but not its user; install.sh must make the one and keep the other.
users=""
if ((EUID == 0)) && unshare --mount --propagation private true 2>/dev/null; then
  etc=$(mktemp -d /tmp/clustertop-install-etc.XXXXXX)
  users=$(unshare --mount --propagation private bash -c '
    set -e
    mount -t tmpfs tmpfs "$1"
    mkdir "$1/upper" "$1/work"
    mount -t overlay overlay -o lowerdir=/etc,upperdir="$1/upper",workdir="$1/work" /etc || exit 3
    # A machine where install.sh ran for real (setup.sh --install) has both users already: they
    # go, in the overlay only, so that the case checked is the same on every machine.
    for user in clustertop-agent clustertop; do
      if getent passwd "$user" >/dev/null; then userdel "$user"; fi
      if getent group "$user" >/dev/null; then groupdel "$user"; fi
    done
    useradd --system --user-group --no-create-home --shell /usr/sbin/nologin clustertop-agent
    groupadd --system clustertop
    before=$(id -u clustertop-agent)
    ./install.sh --prefix "$2" >"$2.log" 2>&1 || exit 4
    echo "agent uid $before -> $(id -u clustertop-agent)"
    echo "$(getent passwd clustertop | cut -d: -f1,6,7) group $(id -gn clustertop) uid $(id -u clustertop)"
    echo "enabled: $(find /etc/systemd -name "clustertop*" 2>/dev/null | tr "\n" " ")"
  ' _ "$etc" "$prefix" "$prefix.log") || status=$?
  rmdir "$etc"
  if [[ ${status:-0} == 3 ]]; then
    users=""
    echo "NOTE no overlay mount here: install.sh runs as it is, its users not checked"
    ./install.sh --prefix "$prefix" >"$prefix.log" 2>&1 && status=0 || status=$?
  fi
  [[ ${status:-0} == 0 ]] || { cat "$prefix.log" 2>/dev/null; rm -f "$prefix.log"; echo "FAIL install.sh (status $status)"; exit 1; }
else
  ./install.sh --prefix "$prefix" >"$prefix.log" 2>&1 || { cat "$prefix.log"; rm -f "$prefix.log"; echo "FAIL install.sh"; exit 1; }
fi
log=$(cat "$prefix.log")
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

units="$prefix/lib/systemd/system"
for unit in clustertop-agent clustertop-collector; do
  file="$units/$unit.service"
  exec_start=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$file" 2>/dev/null || true)
  check "$unit.service installed, ExecStart the installed launcher" \
    $([[ $exec_start == "$prefix/bin/clustertop" && -x $exec_start ]]; echo $?) "$file: ExecStart=$exec_start"
  check "and nothing else of the repository's paths in it" $(! grep -q "/usr/local/\|/opt/clustertop" "$file"; echo $?) "$file"
  if command -v systemd-analyze >/dev/null; then
    verified=$(systemd-analyze verify "$file" 2>&1) && status=0 || status=$?
    check "systemd-analyze verify $unit.service" "$status" "${verified:-no findings}"
  else
    echo "NOTE systemd-analyze is not on this machine: $unit.service not verified"
  fi
done
check "install.sh says where the units are, not enabled" $([[ $log == *"systemd units in $units"*"not enabled"* ]]; echo $?) \
  "$(grep -m1 "systemd units" <<<"$log")"
if [[ -n $users ]]; then
  read -r _ _ before _ after <<<"$(head -1 <<<"$users")"
  check "the agent's user, there before, is kept" $([[ -n $before && $before == "$after" ]]; echo $?) "$(head -1 <<<"$users")"
  check "the collector's user made: a system user, no home, no shell, in its group" \
    $([[ $users == *"clustertop:/nonexistent:/usr/sbin/nologin group clustertop uid "* && $(sed -n 's/.* uid \([0-9]*\)$/\1/p' <<<"$users") -lt 1000 ]]; echo $?) \
    "$(sed -n 2p <<<"$users")"
  check "install.sh said so, for that one only" $([[ $log == *"made the system user clustertop"* && $log != *"made the system user clustertop-agent"* ]]; echo $?) \
    "$(grep "made the system user" <<<"$log" | tr '\n' ' ')"
  check "nothing enabled" $([[ $(sed -n 3p <<<"$users") == "enabled: " ]]; echo $?) "$(sed -n 3p <<<"$users")"
else
  check "not root: no users made, and it says so" $([[ $EUID == 0 || $log == *"made no users"* ]]; echo $?) \
    "$(grep -m1 "users" <<<"$log" || true)"
fi

((failures == 0)) || { echo "install check FAILED ($failures)"; exit 1; }
echo "install check passed"
