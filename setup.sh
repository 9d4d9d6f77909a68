#!/usr/bin/env bash
# Set-up on a fresh Debian machine (as root): the packages clustertop and its tests need, then the
# build. Safe to run again. With --install, then installs clustertop into /usr/local (install.sh).
set -euo pipefail
cd "$(dirname "$0")"
install=false
case "${1:-}" in
  "") ;;
  --install) install=true ;;
  *) echo "setup: unknown argument '$1' (use --install, or nothing)" >&2; exit 2 ;;
esac

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# libpcap0.8: capture. maven: the build. iproute2, iperf3, tcpdump, tshark: the namespace tests
# and the reference counts; jq, curl, python3: reading JSON and metrics, generating traffic in those
# tests; tmux: the full screen's end-to-end test; asciidoctor: the man pages; openssl: certificates
# (bin/clustertop-certs); util-linux's setpriv: the capabilities test.
apt-get install -y -qq libpcap0.8 maven iproute2 iputils-ping iperf3 tcpdump tshark jq curl python3 tmux \
  asciidoctor openssl util-linux >/dev/null
# kubectl: its built-in kustomize renders deploy/kubernetes for KustomizeBaseTest (offline). Debian's
# kubernetes-client provides one where the machine has none of its own (the two packages conflict).
command -v kubectl >/dev/null || apt-get install -y -qq kubernetes-client >/dev/null
# The Docker attribution test (test/docker/attribution.sh) runs its own engine on an image it makes
# from busybox-static, and never uses the machine's own engine (which apt starts where systemd runs).
# The compose test (test/docker/compose.sh) runs docker-compose.yml on the engine that answers, else
# on one of its own, with the base image made by debootstrap (docker/base-image.sh). The systemd
# units' test (test/install/systemd-units.sh) boots a Debian made by debootstrap with
# systemd-container's systemd-nspawn.
apt-get install -y -qq docker.io busybox-static docker-compose debootstrap systemd-container >/dev/null

# The launcher's own rule: JAVA_HOME if it is 25 or later, else a JDK 25 (or later) of /usr/lib/jvm.
if ! jdk=$(CLUSTERTOP_JDK=find bin/clustertop 2>/dev/null); then
  echo "setup: no JDK 25 under /usr/lib/jvm: install one (e.g. Temurin 25) and run again" >&2
  exit 1
fi
JAVA_HOME=$jdk mvn -B -q -ntp install -DskipTests
# The JVM's AOT caches for a quick start (bin/clustertop uses them while they match the jar and JDK):
# training runs of -r on a shipped capture and the loopback capture (as root), and of the demo, ~30 s.
JAVA_HOME=$jdk CLUSTERTOP_AOT=train bin/clustertop || echo "setup: no AOT cache; clustertop starts slower" >&2
if $install; then
  JAVA_HOME=$jdk ./install.sh
  echo "setup: done; JDK $jdk; clustertop is on the PATH (man clustertop)"
else
  echo "setup: done; JDK $jdk; run bin/clustertop (or ./setup.sh --install, to put it on the PATH)"
fi
