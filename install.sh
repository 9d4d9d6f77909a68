#!/usr/bin/env bash
# Installs clustertop so that the README's commands work as written: the launcher and the
# certificate script on the PATH, the jar beside them, a man page per command (clustertop(1),
# clustertop-agent(1), ...: picocli's ManPageGenerator, turned into troff by asciidoctor), bash
# completion (picocli's AutoComplete), and the systemd units for hosts without Kubernetes
# (deploy/systemd, their ExecStart the installed PREFIX/bin/clustertop). Builds the jar first if
# there is none. As root, it also makes the units' users if missing (system users, no home, no
# shell) and has systemd reload its units where systemd runs; it enables and starts nothing.
#
#   sudo ./install.sh                  # into /usr/local: bin, lib/clustertop, share/man/man1,
#                                      # share/bash-completion/completions, lib/systemd/system
#   ./install.sh --prefix DIR          # into DIR instead (no root needed; no users made)
#   sudo ./setup.sh --install          # the packages, the build, then this
set -euo pipefail
cd "$(dirname "$0")"

prefix=/usr/local
while (($#)); do
  case $1 in
    --prefix) (($# >= 2)) || { echo "install: --prefix needs a directory" >&2; exit 2; }; prefix=$2; shift 2 ;;
    *) echo "install: unknown argument '$1' (use --prefix DIR)" >&2; exit 2 ;;
  esac
done
command -v asciidoctor >/dev/null || { echo "install: asciidoctor is needed for the man pages (apt-get install asciidoctor, or setup.sh)" >&2; exit 1; }
prefix=$(realpath -m "$prefix") # the units' ExecStart must be an absolute path

jar=launcher/target/clustertop.jar
if [[ ! -f $jar ]]; then
  jdk=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's own rule: JAVA_HOME if it is 25 or later, else /usr/lib/jvm's
  JAVA_HOME=$jdk mvn -B -q -ntp -pl launcher -am package -DskipTests
fi

install -d "$prefix/bin" "$prefix/lib/clustertop" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions"
install -m 644 "$jar" "$prefix/lib/clustertop/clustertop.jar"
install -m 755 bin/clustertop "$prefix/bin/clustertop"
install -m 755 bin/clustertop-certs "$prefix/bin/clustertop-certs"
# The JVM's AOT caches for a quick start, beside the jar (bin/clustertop uses them while they match it and the JDK).
CLUSTERTOP_AOT=train "$prefix/bin/clustertop" || echo "install: no AOT cache; clustertop starts slower" >&2

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$prefix/bin/clustertop" gen-manpage --outdir "$work" --quiet
asciidoctor --backend manpage --destination-dir "$prefix/share/man/man1" "$work"/*.adoc
"$prefix/bin/clustertop" generate-completion >"$prefix/share/bash-completion/completions/clustertop"

# The units, written for the default prefix, point at this one's launcher. PREFIX/lib/systemd/system
# is among the folders systemd reads when PREFIX is /usr/local (or /usr); elsewhere, say so.
units="$prefix/lib/systemd/system"
install -d "$units"
for unit in deploy/systemd/*.service; do
  sed "s|/usr/local/bin/clustertop|$prefix/bin/clustertop|g" "$unit" >"$work/${unit##*/}"
  install -m 644 "$work/${unit##*/}" "$units/${unit##*/}"
done
if ((EUID == 0)); then
  # the users the units run as: the agent's (its ambient capabilities come from the unit) and the collector's
  for user in clustertop-agent clustertop; do
    if ! getent passwd "$user" >/dev/null; then
      if getent group "$user" >/dev/null; then group=(--gid "$user"); else group=(--user-group); fi
      useradd --system "${group[@]}" --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user"
      echo "install: made the system user $user"
    fi
  done
  if [[ -d /run/systemd/system ]]; then # systemd is running (sd_booted's test)
    systemctl daemon-reload
  fi
else
  echo "install: not root: made no users (clustertop-agent, clustertop) for the units" >&2
fi

echo "install: $prefix/bin/clustertop, $prefix/bin/clustertop-certs, $prefix/lib/clustertop/clustertop.jar,"
echo "install: man pages in $prefix/share/man/man1 ($(cd "$prefix/share/man/man1" && ls clustertop*.1 | tr '\n' ' '))"
echo "install: bash completion in $prefix/share/bash-completion/completions/clustertop"
echo "install: systemd units in $units (clustertop-agent.service, clustertop-collector.service), not enabled:"
echo "install:   settings in /etc/clustertop (deploy/README.md), then systemctl enable --now clustertop-agent"
case $prefix in
  /usr | /usr/local) ;;
  *) echo "install:   $units is not a folder systemd reads: systemctl link $units/clustertop-agent.service (or copy it to /etc/systemd/system)" ;;
esac
