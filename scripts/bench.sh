#!/usr/bin/env bash
# Benchmarks, all measured in this one run, printed as one table.
# Start-up: seconds from the README's run command (`dotnet run --project Console.Web`, whose build check is
# included) to the login page answering 200, cold (a new data folder: initdb, migrations, first admin) and
# warm (the same folder again). Each is run RUNS times (default 3); the table gives median and worst.
# Rollback: click-to-verified time of 50 setting rollbacks on a local target (Console.Tests, Category=Benchmark).
# Wait-for graph: build + layout time for 100, 1,000 and 10,000 lock rows (median of 21 runs).
# Checkout ingest: events stored per second over HTTP on loopback, batches of 500, for OPS_BENCH_INGEST_SECONDS
# (default 30), with acknowledged and stored counts (they must be equal).
# Lock sampler: one tick's time on a target with 0 and 200 sessions waiting (median and p95 of 50 ticks); with 1,000
# sessions queued on one row, a tick (read, graph, store write) and the bytes it stores (goals: p95 <= 200 ms,
# <= 256 KB), beside what pg_blocking_pids would name for that queue; and
# pgbench TPS on a target with the sampler off and on at 1 s, in four alternating pairs (off-on, on-off, ...) of
# OPS_BENCH_PGBENCH_SECONDS (default 10) each.
# Live hub: 100 and 200 SignalR subscribers of /hubs/ops; push latency from posting a batch to each client receiving
# it (20 batches), and memory per connection (console and clients share the process: an upper bound for the server).
# Dashboards: 100, then 200 Health pages with live circuits (iframes in Chromium); push latency from posting one
# event to every dashboard showing it (10 events), and the server's managed heap per circuit.
# Health live: ingest-to-browser latency of 200 events posted one at a time, until the open Health page in Chromium shows each.
# Takeover: kill -9 of the console process sampling a target, to the first tick another console samples (five rounds).
# Prune: a day of OPS_BENCH_PRUNE_EVENTS (default 10,000,000) checkout events, dropped as a partition against the old row
# DELETE of the same rows, on the same cluster (goal: the drop <= 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

dotnet build Console.Web -v quiet -nologo >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_once DATA_DIR -> prints seconds until /account/login answers 200, then stops the console (Ctrl+C).
start_once() {
  local data=$1 port log start end pid
  port=$(free_port)
  log=$(mktemp)
  start=$(date +%s.%N)
  dotnet run --project Console.Web -- --urls "http://127.0.0.1:$port" --Embedded:DataDirectory "$data" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 1200); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/account/login"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "the console exited" >&2; exit 1; fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  # SIGTERM, not SIGINT: a background job of a script ignores SIGINT. Both shut the console down gracefully.
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
  python3 -c "print(f'{$end - $start:.2f}')"
}

cold=() warm=()
for _ in $(seq 1 "$runs"); do
  data=$(mktemp -d /tmp/opsconsole-bench-XXXXXX)
  cold+=("$(start_once "$data")")
  warm+=("$(start_once "$data")")
  rm -rf "$data"
done

figures=$(mktemp -d /tmp/opsconsole-bench-figures-XXXXXX)
# Benchmarks are explicit tests (Console.Tests/Benchmarks/BenchmarkAttribute.cs): a plain test run leaves them out.
OPS_BENCH_OUT=$figures dotnet test Console.Tests --filter "Category=Benchmark" -v quiet --nologo -- xUnit.Explicit=only >/dev/null

python3 - "$runs" "${cold[*]}" "${warm[*]}" "$figures" <<'PY'
import json, os, statistics, sys
runs = sys.argv[1]
cold = [float(x) for x in sys.argv[2].split()]
warm = [float(x) for x in sys.argv[3].split()]
rollback = json.load(open(os.path.join(sys.argv[4], "rollback.json")))
graph = json.load(open(os.path.join(sys.argv[4], "graph.json")))
ingest = json.load(open(os.path.join(sys.argv[4], "ingest.json")))
sampler = json.load(open(os.path.join(sys.argv[4], "sampler.json")))
queue = json.load(open(os.path.join(sys.argv[4], "sampler-queue.json")))
pgbench = json.load(open(os.path.join(sys.argv[4], "pgbench.json")))
hub = json.load(open(os.path.join(sys.argv[4], "hub.json")))
health = json.load(open(os.path.join(sys.argv[4], "health-live.json")))
circuits = json.load(open(os.path.join(sys.argv[4], "circuits.json")))
takeover = json.load(open(os.path.join(sys.argv[4], "takeover.json")))
rows = [
    ("start-up to login page, cold (new cluster)", statistics.median(cold), max(cold)),
    ("start-up to login page, warm (reused cluster)", statistics.median(warm), max(warm)),
]
print(f"\nOpsConsole benchmarks ({runs} runs each)\n")
print(f"| {'measure':<46} | {'median s':>8} | {'worst s':>8} |")
print(f"|{'-'*48}|{'-'*10}|{'-'*10}|")
for name, median, worst in rows:
    print(f"| {name:<46} | {median:>8.2f} | {worst:>8.2f} |")
print(f"| {'ratio warm / cold (median)':<46} | {statistics.median(warm) / statistics.median(cold):>8.2f} | {'':>8} |")
print()
print(f"| {'rollback, click to verified (setting)':<46} | {'median ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'goal p95':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*10}|")
print(f"| {str(rollback['rollbacks']) + ' rollbacks on the local target':<46} | {rollback['medianMs']:>9.1f} | {rollback['p95Ms']:>8.1f} | {rollback['maxMs']:>8.1f} | {'< 500':>8} |")
print(f"| {'ratio p95 / goal':<46} | {'':>9} | {rollback['p95Ms'] / 500:>8.2f} | {'':>8} | {'':>8} |")
print()
print(f"| {'wait-for graph build + layout':<46} | {'median ms':>9} |")
print(f"|{'-'*48}|{'-'*11}|")
for rows, ms in graph.items():
    print(f"| {f'{int(rows):,} lock rows':<46} | {ms:>9.2f} |")
print(f"| {'ratio 10,000 rows / goal (20 ms)':<46} | {graph['10000'] / 20:>9.2f} |")
print()
print(f"| {'checkout ingest over HTTP (batches of 500)':<46} | {'events/s':>9} | {'acked':>10} | {'stored':>10} | {'batch p95 ms':>12} | {'goal':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*12}|{'-'*12}|{'-'*14}|{'-'*10}|")
print(f"| {str(ingest['senders']) + ' senders, ' + str(ingest['seconds']) + ' s':<46} | {ingest['eventsPerSecond']:>9,.0f} | {ingest['eventsAcknowledged']:>10,} | {ingest['eventsStored']:>10,} | {ingest['batchP95Ms']:>12.1f} | {'50,000':>8} |")
print(f"| {'ratio events/s / goal':<46} | {ingest['eventsPerSecond'] / 50000:>9.2f} |")
print()
print(f"| {'lock sampler, one tick on the target':<46} | {'median ms':>9} | {'p95 ms':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|")
print(f"| {'0 sessions waiting':<46} | {sampler['idleMedianMs']:>9.2f} | {sampler['idleP95Ms']:>8.2f} |")
print(f"| {'200 sessions waiting':<46} | {sampler['waiting200MedianMs']:>9.2f} | {sampler['waiting200P95Ms']:>8.2f} |")
print(f"| {'ratio 200 waiting / 0 waiting (median)':<46} | {sampler['waiting200MedianMs'] / sampler['idleMedianMs']:>9.1f} |")
print()
print(f"| {'lock sampler, 1,000 sessions queued on one row':<46} | {'median':>9} | {'p95 / max':>9} | {'goal':>8} | {'ratio':>6} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*11}|{'-'*10}|{'-'*8}|")
print(f"| {'tick: read, graph, store write (ms)':<46} | {queue['tickMedianMs']:>9.1f} | {queue['tickP95Ms']:>9.1f} | {'<= 200':>8} | {queue['tickP95ToGoal']:>6.2f} |")
print(f"| {'read alone (ms)':<46} | {queue['readMedianMs']:>9.1f} | {queue['readP95Ms']:>9.1f} | {'':>8} | {'':>6} |")
print(f"| {'stored per tick (KB)':<46} | {queue['storedKbMedian']:>9.1f} | {queue['storedKbMax']:>9.1f} | {'<= 256':>8} | {queue['storedMaxToGoal']:>6.2f} |")
print(f"| {'allocated per tick (KB)':<46} | {queue['allocatedKbPerTickMedian']:>9.0f} | {'':>9} | {'':>8} | {'':>6} |")
print(f"| {'sessions kept in full / waits read':<46} | {queue['sessionsKept']:>9.0f} | {queue['waitsRead']:>9.0f} | {'':>8} | {'':>6} |")
print(f"| {'pg_blocking_pids for every waiter: waits, ms':<46} | {queue['waitsNamedByPgBlockingPids']:>9.0f} | {queue['pgBlockingPidsQueryMs']:>9.0f} | {'':>8} | {'':>6} |")
print()
print(f"| {'pgbench on the target (-c 4 -j 2, scale 10)':<46} | {'TPS':>9} |")
print(f"|{'-'*48}|{'-'*11}|")
print(f"| {'sampler off (median of 4 phases)':<46} | {pgbench['offTps']:>9,.0f} |")
print(f"| {'sampler on at 1 s (median of 4 phases)':<46} | {pgbench['onTps']:>9,.0f} |")
print(f"| {'TPS loss with the sampler on, % (goal < 2)':<46} | {pgbench['lossPercent']:>9.2f} |")
print()
print(f"| {'live hub, post to client (' + str(hub['100']['events']) + ' batches)':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'heap KB/conn':>12} | {'WS KB/conn':>10} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*14}|{'-'*12}|")
for n, h in hub.items():
    print(f"| {n + ' subscribers':<46} | {h['p50Ms']:>9.1f} | {h['p95Ms']:>8.1f} | {h['maxMs']:>8.1f} | {h['heapKbPerConnection']:>12.1f} | {h['workingSetKbPerConnection']:>10.1f} |")
print()
print(f"| {'checkout event, API to open dashboard':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'goal p95':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*10}|")
print(f"| {str(health['events']) + ' events, one at a time, Chromium':<46} | {health['p50Ms']:>9.1f} | {health['p95Ms']:>8.1f} | {health['maxMs']:>8.1f} | {'< 1000':>8} |")
print(f"| {'ratio p95 / goal':<46} | {'':>9} | {health['p95Ms'] / 1000:>8.2f} | {'':>8} | {'':>8} |")
print()
print(f"| {'live dashboards (circuits), post to screen':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'missed':>6} | {'heap KB/circuit':>15} | {'goal':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*8}|{'-'*17}|{'-'*10}|")
for n, c in circuits.items():
    print(f"| {n + ' dashboards, ' + str(c['events']) + ' events':<46} | {c['p50Ms']:>9.1f} | {c['p95Ms']:>8.1f} | {c['maxMs']:>8.1f} | {c['missed']:>6} | {c['heapKbPerCircuit']:>15.1f} | {'<= 1024':>8} |")
print(f"| {'ratio heap per circuit (200) / goal':<46} | {circuits['200']['heapKbPerCircuit'] / 1024:>9.2f} |")
print()
print(f"| {'lock sampler takeover, kill -9 to first tick':<46} | {'median ms':>9} | {'max ms':>8} | {'goal':>8} |")
print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|")
print(f"| {str(takeover['rounds']) + ' kills of the sampling console':<46} | {takeover['medianMs']:>9.0f} | {takeover['maxMs']:>8.0f} | {'<= 3000':>8} |")
prune_file = os.path.join(sys.argv[4], "prune.json")
if os.path.exists(prune_file):
    prune = json.load(open(prune_file))
    print()
    print(f"| {'prune a day of ' + format(prune['events'], ',') + ' checkout events':<46} | {'seconds':>9} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|")
    print(f"| {'before: row DELETE by service (vacuum not incl.)':<46} | {prune['deleteSeconds']:>9.2f} | {'':>8} |")
    print(f"| {'now: drop the day partition':<46} | {prune['dropMs'] / 1000:>9.3f} | {'<= 1':>8} |")
    print(f"| {'ratio DELETE / drop':<46} | {prune['deleteOverDrop']:>9,.0f} | {'':>8} |")
else:
    print("\n| prune a day of checkout events | failed: no figures |")
PY
rm -rf "$figures"
