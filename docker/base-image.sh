#!/bin/bash
# Builds the base image of clustertop's Docker image locally, for machines that reach a Debian
# mirror but no image registry: a minimal Debian bookworm made by debootstrap, with libpcap (the
# agent's capture) and a Java 25 runtime cut by jlink from the JDK 25 this machine has, imported
# with `docker import`.
#
#   sudo docker/base-image.sh [TAG]          # default tag clustertop-base:bookworm; about 3 minutes
#
# Needs root, debootstrap (installed with apt-get when missing), docker (a running daemon;
# DOCKER_HOST is honoured) and a JDK 25 (JAVA_HOME if it is 25 or later, else one under /usr/lib/jvm, as
# bin/clustertop finds it).
# MIRROR=http://deb.debian.org/debian is the default Debian mirror.
set -euo pipefail
tag=${1:-clustertop-base:bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
((EUID == 0)) || { echo "base-image.sh: needs root (debootstrap)" >&2; exit 1; }
if ! command -v debootstrap >/dev/null; then
  if command -v apt-get >/dev/null; then
    echo "base-image.sh: installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  else
    echo "base-image.sh: needs debootstrap (it makes the Debian file system): install it, and run again" >&2
    exit 1
  fi
fi
command -v docker >/dev/null || { echo "base-image.sh: needs docker (apt-get install docker.io, and a running dockerd)" >&2; exit 1; }
jdk=$(CLUSTERTOP_JDK=find "$(dirname "$0")/../bin/clustertop") || { echo "base-image.sh: no JDK 25 (set JAVA_HOME)" >&2; exit 1; }
[[ -x $jdk/bin/jlink ]] || { echo "base-image.sh: no JDK 25 (set JAVA_HOME)" >&2; exit 1; }

root=$(mktemp -d /tmp/clustertop-base.XXXXXX)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=libpcap0.8,iperf3,ca-certificates bookworm "$root/fs" "$mirror"
# Java SE and the JDK modules the jar's libraries reach for (Unsafe for Netty and protobuf, the
# HTTP server for /metrics, DNS for host names): 99 MB, where the whole JDK is 300.
"$jdk/bin/jlink" --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.crypto.cryptoki,jdk.zipfs,jdk.naming.dns \
  --strip-debug --no-man-pages --no-header-files \
  --output "$root/fs/opt/java"
rm -rf "$root/fs/var/cache/apt/archives/"*.deb "$root/fs/var/lib/apt/lists/"*
tar -C "$root/fs" -c . | docker import \
  --change 'ENV PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV JAVA_HOME=/opt/java' - "$tag"
echo "base-image.sh: built $tag"
