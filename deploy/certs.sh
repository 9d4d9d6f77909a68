#!/usr/bin/env bash
# Certificates for a clustertop cluster with mutual TLS, made with openssl: a CA, the collector's
# certificate, one per node (its agent), and console and operator certificates. Keys are EC P-256 in
# PKCS#8 PEM (what --tls-key reads); each certificate is NAME.crt beside NAME.key, the CA's is ca.crt.
#
#   deploy/certs.sh [-d DIR] [--days N] ca
#   deploy/certs.sh [-d DIR] [--days N] collector NAME [--dns NAME]... [--ip ADDR]...
#   deploy/certs.sh [-d DIR] [--days N] node NAME [--ip ADDR]... [--dns NAME]...
#   deploy/certs.sh [-d DIR] [--days N] agents NAME
#   deploy/certs.sh [-d DIR] [--days N] console NAME
#   deploy/certs.sh [-d DIR] [--days N] operator NAME
#
# Each kind makes the CA first if DIR has none (ca.crt, ca.key; keep ca.key off the cluster's hosts).
# What each certificate says (docs: collector/README.md, "Who may do what"):
#   collector  DNS and IP SANs as given (agents and consoles check them), for server and client use
#   node       URI clustertop://node/NAME (the only node its agent may send for), URI
#              clustertop://role/agent, IP SANs: the addresses the node may announce; server and
#              client use (the agent's --listen serves consoles with it), DNS SANs as given
#   agents     URI clustertop://node/* and clustertop://role/agent: one certificate for every node (a
#              DaemonSet's Secret): any node, announcing only addresses in the collector's cluster
#              networks; weaker than a certificate per node (its key speaks for all of them)
#   console    URI clustertop://role/console: may watch the views and read the cost history
#   operator   URI clustertop://role/operator: a console's rights, and changing a capture filter
# --role ROLE (repeatable) adds a role to any of them; --days sets the validity (default 365; the
# CA: 3650). An existing NAME.crt is replaced (rotation: the servers re-read their files).
set -euo pipefail

usage() {
  sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

dir=.
days=365
kind=
name=
dns=()
ips=()
roles=()
while (($#)); do
  case "$1" in
    -d) dir=${2:?-d needs a directory}; shift 2 ;;
    --days) days=${2:?--days needs a number}; shift 2 ;;
    --dns) dns+=("${2:?--dns needs a name}"); shift 2 ;;
    --ip) ips+=("${2:?--ip needs an address}"); shift 2 ;;
    --role) roles+=("${2:?--role needs agent, console or operator}"); shift 2 ;;
    -h|--help) usage ;;
    ca|collector|node|agents|console|operator)
      [[ -z $kind ]] || usage
      kind=$1; shift
      if [[ $kind != ca ]]; then
        name=${1:-}; [[ -n $name ]] || { echo "certs.sh: $kind needs a NAME" >&2; exit 2; }; shift
      fi ;;
    *) echo "certs.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ -n $kind ]] || usage
[[ $days =~ ^[1-9][0-9]*$ ]] || { echo "certs.sh: --days must be a positive number" >&2; exit 2; }
if [[ -n $name && ! $name =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$ ]]; then
  echo "certs.sh: '$name': use letters, digits, '.', '_' and '-' (at most 63)" >&2; exit 2
fi
for r in "${roles[@]}"; do
  [[ $r =~ ^(agent|console|operator)$ ]] || { echo "certs.sh: unknown role '$r' (agent, console, operator)" >&2; exit 2; }
done
mkdir -p "$dir"
cd "$dir"

ssl() {
  local out
  out=$(openssl "$@" 2>&1) || { echo "certs.sh: openssl $1 failed: $out" >&2; exit 1; }
}

if [[ ! -f ca.crt || ! -f ca.key ]]; then
  ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
  chmod 600 ca.key
  ssl req -x509 -new -key ca.key -sha256 -days 3650 -subj "/O=clustertop/CN=clustertop CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
  echo "certs.sh: made the CA: $PWD/ca.crt (keep ca.key safe)" >&2
fi
[[ $kind == ca ]] && exit 0

san=()
usage_ext=clientAuth
case "$kind" in
  collector) usage_ext=serverAuth,clientAuth ;;
  node) usage_ext=serverAuth,clientAuth; san+=("URI:clustertop://node/$name"); roles=(agent "${roles[@]}") ;;
  agents) san+=("URI:clustertop://node/*"); roles=(agent "${roles[@]}") ;;
  console) roles=(console "${roles[@]}") ;;
  operator) roles=(operator "${roles[@]}") ;;
esac
for r in "${roles[@]}"; do san+=("URI:clustertop://role/$r"); done
for d in "${dns[@]}"; do san+=("DNS:$d"); done
for i in "${ips[@]}"; do san+=("IP:$i"); done

ext=$(mktemp)
csr=$(mktemp)
trap 'rm -f "$ext" "$csr"' EXIT
{
  echo "basicConstraints=critical,CA:FALSE"
  echo "keyUsage=critical,digitalSignature,keyEncipherment"
  echo "extendedKeyUsage=$usage_ext"
  if ((${#san[@]})); then (IFS=,; echo "subjectAltName=${san[*]}"); fi
} >"$ext"
# a new key each time: a rotated certificate carries a new key
ssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key.new"
chmod 600 "$name.key.new"
ssl req -new -key "$name.key.new" -subj "/O=clustertop/CN=$name" -out "$csr"
ssl x509 -req -in "$csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" -sha256 \
  -days "$days" -extfile "$ext" -out "$name.crt.new"
# the key first, then the certificate: a server that reads between the two renames sees a pair
# that does not match and keeps its old one until the next look
mv -f "$name.key.new" "$name.key"
mv -f "$name.crt.new" "$name.crt"
echo "certs.sh: made $kind $name: $PWD/$name.crt, $PWD/$name.key${san:+ (${san[*]})}" >&2
