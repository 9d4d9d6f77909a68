#!/usr/bin/env bash
# Installs clustertop so that the README's commands work as written: the launcher and the
# certificate script on the PATH, the jar beside them, a man page per command (clustertop(1),
# clustertop-agent(1), ...: picocli's ManPageGenerator, turned into troff by asciidoctor) and bash
# completion (picocli's AutoComplete). Builds the jar first if there is none.
#
#   sudo ./install.sh                  # into /usr/local: bin, lib/clustertop, share/man/man1,
#                                      # share/bash-completion/completions
#   ./install.sh --prefix DIR          # into DIR instead (no root needed)
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

jar=launcher/target/clustertop.jar
if [[ ! -f $jar ]]; then
  : "${JAVA_HOME:=$(ls -d /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*-25-* 2>/dev/null | head -1)}"
  JAVA_HOME=$JAVA_HOME mvn -B -q -ntp -pl launcher -am package -DskipTests
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

echo "install: $prefix/bin/clustertop, $prefix/bin/clustertop-certs, $prefix/lib/clustertop/clustertop.jar,"
echo "install: man pages in $prefix/share/man/man1 ($(cd "$prefix/share/man/man1" && ls clustertop*.1 | tr '\n' ' '))"
echo "install: bash completion in $prefix/share/bash-completion/completions/clustertop"
