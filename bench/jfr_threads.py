#!/usr/bin/env python3
"""Where one thread's time goes, from a JFR recording (settings=profile): its CPU samples
(jdk.ExecutionSample, about one per 10 ms running) by the innermost of our packages on the stack, its
top self frames, and the time it spent parked or blocked, by where.

  bench/jfr_threads.py FILE.jfr THREAD_NAME_PREFIX
  CLUSTERTOP_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/c-%p.jfr,settings=profile,dumponexit=true" \\
    bench/kafka.sh 5000 200 60 12 pairs,nodes --max-conversations 1200000
  bench/jfr_threads.py /tmp/c-PID.jfr clustertop-kafka-consumer
"""
import collections, json, os, subprocess, sys

jfr_file, prefix = sys.argv[1], sys.argv[2]
# The launcher's rule (JAVA_HOME if it is 25 or later, else a JDK 25 of /usr/lib/jvm), not a second copy of it.
java_home = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'bin', 'clustertop')],
                           env=dict(os.environ, CLUSTERTOP_JDK='find'), check=True, capture_output=True, text=True).stdout.strip()
CATEGORIES = [  # the first that a frame's class starts with, walking from the innermost frame
  ('decode (FlowWire, protobuf)', ('io.clustertop.proto.FlowWire', 'com.google.protobuf.')),
  ('views (core LiveView, rows)', ('io.clustertop.core.rows.',)),
  ('store (core ConversationStore)', ('io.clustertop.core.table.',)),
  ('merge (MergeStore, EpochStore)', ('io.clustertop.collector.merge.',)),
  ('report types (core Flows, Batch)', ('io.clustertop.core.report.',)),
  ('ingest session', ('io.clustertop.collector.ingest.',)),
  ('placement', ('io.clustertop.collector.placement.',)),
  ('kafka client: fetch, decompress, parse', ('org.apache.kafka.',)),
  ('kafka consume (ShardConsumer, AgentFeed)', ('io.clustertop.kafka.',)),
]


def events(kind, depth):
  out = subprocess.run([java_home + '/bin/jfr', 'print', '--json', '--stack-depth', str(depth), '--events', kind, jfr_file],
                       capture_output=True, text=True, check=True).stdout
  return [e['values'] for e in json.loads(out)['recording']['events']]


def seconds(text):  # ISO-8601 durations as JFR writes them: PT1M2.5S
  total, number = 0.0, ''
  for ch in text[2:]:
    if ch.isdigit() or ch == '.':
      number += ch
    else:
      total += float(number) * {'H': 3600, 'M': 60, 'S': 1}[ch]
      number = ''
  return total


def frames(v):
  return [f['method']['type']['name'].replace('/', '.') + '.' + f['method']['name']
          for f in (v.get('stackTrace') or {}).get('frames', [])]


def ours(name):
  return name.startswith(prefix)


samples = [v for v in events('jdk.ExecutionSample', 64) if ours(v['sampledThread'].get('javaName') or '')]
by_category, by_self = collections.Counter(), collections.Counter()
for v in samples:
  stack = frames(v)
  by_self[stack[0] if stack else '?'] += 1
  category = 'other'
  for f in stack:
    hit = [c for c, prefixes in CATEGORIES if f.startswith(prefixes)]
    if hit:
      category = hit[0]
      break
  by_category[category] += 1
n = max(len(samples), 1)
print(f'{prefix}: {len(samples)} CPU samples (about {len(samples) / 100:.1f} s running)')
for c, k in by_category.most_common():
  print(f'  {100 * k / n:5.1f} %  {c}')
print('  top self frames:')
for f, k in by_self.most_common(8):
  print(f'  {100 * k / n:5.1f} %  {f}')
for kind in ('jdk.ThreadPark', 'jdk.JavaMonitorEnter'):
  waits = collections.Counter()
  for v in events(kind, 16):
    if ours(v['eventThread'].get('javaName') or ''):
      stack = [f for f in frames(v) if not f.startswith(('java.', 'jdk.'))]
      waits[' < '.join(f.rsplit('.', 2)[-2] + '.' + f.rsplit('.', 1)[-1] for f in stack[:3])] += seconds(v['duration'])
  print(f'{kind}: {sum(waits.values()):.1f} s')
  for where, s in waits.most_common(5):
    print(f'  {s:6.1f} s  {where}')
