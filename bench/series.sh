# Sourced by the series scripts (all.sh, capture-quick.sh) from the repository's root: the JDK 25,
# the namespace lock (LOCK, default /work/locks/netns.lock if it exists) taken around the parts that
# make network namespaces so they never run beside another user's namespace tests, and the log
# line, named after the series ($SERIES).
JAVA_HOME=$(CLUSTERTOP_JDK=find bin/clustertop) # the launcher's rule: JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm
export JAVA_HOME
LOCK=${LOCK:-$([ -f /work/locks/netns.lock ] && echo /work/locks/netns.lock || echo "")}
locked() { if [ -n "$LOCK" ]; then flock "$LOCK" "$@"; else "$@"; fi; }
say() { printf '[%s %(%H:%M:%S)T] %s\n' "$SERIES" -1 "$*" >&2; }
