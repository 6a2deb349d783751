#!/usr/bin/env bash
# Benchmarks, all measured in this one run, printed as one table.
# Start-up: seconds from the README's run command (`dotnet run --project Console.Web`, whose build check is
# included) to the login page answering 200, cold (a new data folder: initdb, migrations, first admin) and
# warm (the same folder again). Each is run RUNS times (default 3); the table gives median and worst.
# Rollback in process: the procedure's time for 50 setting rollbacks on a local target (Console.Tests, Category=Benchmark).
# Wait-for graph: build + layout time for 100, 1,000 and 10,000 lock rows (median of 21 runs).
# Checkout ingest: on a durable cluster of its own (fsync, synchronous_commit, full_page_writes on, as the embedded default),
# events stored per second over HTTP on loopback, batches of 500 (every tenth resent whole), for OPS_BENCH_INGEST_SECONDS
# (default 30) in OPS_BENCH_INGEST_ROUNDS rounds (default 3), after OPS_BENCH_INGEST_WARMUP_SECONDS (default 20) of warm-up, each followed by a raw binary COPY of as many rows into a table of checkout_events' shape, indexes and partitions, and
# their ratio (goal: HTTP >= 0.8 of raw COPY), per round too; the CPU both sides spend per 1,000 events (console and benchmark
# process plus the cluster's processes) and its ratio, which a loaded machine moves far less; acknowledged = stored, and every
# resent event answered as a duplicate.
# Lock sampler: one tick's time on a target with 0 and 200 sessions waiting (median and p95 of 50 ticks); with 1,000
# sessions queued on one row, a tick (read, graph, store write) and the bytes it stores (goals: p95 <= 200 ms,
# <= 256 KB), beside what pg_blocking_pids would name for that queue; and
# the CPU one tick costs while pgbench runs (console process, the sampler's backend on the target, the store's cluster), for
# the idle read as it was (planned every tick) and as it is (prepared), and for a whole tick, in alternating rounds; and
# pgbench TPS on a target with the sampler off and on at 1 s, in twenty alternating pairs (off-on, on-off, ...) of
# OPS_BENCH_PGBENCH_SECONDS (default 5) each, every phase after pgbench's vacuum and a checkpoint (autovacuum off): every
# pair's loss, latency and the console's CPU (process and store cluster), their spread (min/max, quartiles), and the median
# loss (goal <= 2 %); and the same loss second by second: one pgbench run of OPS_BENCH_PGBENCH_INTERLEAVED_SECONDS
# (default 121) reporting TPS every second, the sampler's whole tick in the middle of every other second, each second
# with a tick against the mean of its two neighbours without (every comparison printed, their median: goal <= 2 %).
# Live hub: 100 and 200 SignalR subscribers of /hubs/ops; push latency from posting a batch to each client receiving
# it (20 batches), and memory per connection (console and clients share the process: an upper bound for the server).
# Dashboards: 1, 100, then 200 Health pages with live circuits (iframes in Chromium), 10 events each: the server's push
# latency (from the batch's commit to each circuit's render batch being sent, the console's opsconsole.live.render.lag)
# beside the browser's (from posting to each dashboard showing it), dashboards that never showed an event as "missed",
# and the server's managed heap per circuit (goals at 200: server p95 <= 250 ms, browser p95 <= 1 s, <= 500 KB).
# Health live: ingest-to-browser latency of 200 events posted one at a time, until the open Health page in Chromium shows each.
# Takeover: kill -9 of the console process sampling a target, to the first tick another console samples (five rounds).
# Each benchmark class runs on its own: one that fails is a "failed" row in the table, never the end of the table,
# and a start-up that never reaches the login page is a failure, not a time. The exit status is 1 when anything failed.
# Prune: a day of OPS_BENCH_PRUNE_EVENTS (default 10,000,000) checkout events, dropped as a partition against the old row
# DELETE of the same rows, on the same cluster, each after a checkpoint (goal: the prune call <= 1 s); the prune call is
# detach (the only step that locks checkout_events), then drop of the detached day's files, then DEFAULT's delete; beside
# it the floor, rm of as many bytes on the same file system (with online discard, a removal waits for the disk's trim).
# Rollback by click: in Chromium, from the click on "Confirm rollback" to "Rolled back and verified." on screen, 50 times,
# timed in the page (goal: p95 <= 300 ms), with each step's median as the procedure recorded it.
# Audit verify: "Verify chain" on OPS_BENCH_AUDIT_ENTRIES (default 1,000,000) chained entries, loaded by COPY (goal <= 10 s);
# and a CSV export of the most an export holds, with the live managed heap it kept while streaming (it must stay flat).
# Start-up times README's run command as it is (a Debug build); every other benchmark runs on the build an operator
# deploys, Release (CONFIGURATION=Debug to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-3}
config=${CONFIGURATION:-Release}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The benchmarks run the console inside the test host, whose runtime settings are the tests', not the console's: it gets
# the console's JIT setting (Console.Web.csproj: TieredCompilationQuickJit false) here.
bench_env=(DOTNET_TC_QuickJit=0)

dotnet build Console.Web -v quiet -nologo >/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# start_once DATA_DIR -> prints seconds until /account/login answers 200, then stops the console (SIGTERM); prints
# "failed" when the console exits or the page never answers within 120 s: a start-up that fails has no time.
start_once() {
  local data=$1 port log start end pid ok=""
  port=$(free_port)
  log=$(mktemp)
  start=$(date +%s.%N)
  dotnet run --project Console.Web -- --urls "http://127.0.0.1:$port" --Embedded:DataDirectory "$data" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 2400); do
    if curl -sf -o /dev/null "http://127.0.0.1:$port/account/login"; then ok=1; break; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  end=$(date +%s.%N)
  # SIGTERM, not SIGINT: a background job of a script ignores SIGINT. Both shut the console down gracefully.
  pkill -TERM -P "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ -z $ok ]]; then
    { echo "start-up never reached the login page; its log:"; tail -40 "$log"; } >&2
    echo failed
  else
    python3 -c "print(f'{$end - $start:.2f}')"
  fi
  rm -f "$log"
}

cold=() warm=()
for _ in $(seq 1 "$runs"); do
  data=$(mktemp -d /tmp/opsconsole-bench-XXXXXX)
  cold+=("$(start_once "$data")")
  warm+=("$(start_once "$data")")
  rm -rf "$data"
done

figures=$(mktemp -d /tmp/opsconsole-bench-figures-XXXXXX)
dotnet build Console.Tests -c "$config" -v quiet -nologo >/dev/null
# Benchmarks are explicit tests (Console.Tests/Benchmarks/BenchmarkAttribute.cs): a plain test run leaves them out.
# One test run per benchmark class: one that fails (or takes its test host down) never stops the others, and the
# table shows it as failed, with the end of its log on stderr.
for bench in WaitForGraphBenchmark RollbackBenchmark RollbackClickBenchmark CheckoutIngestBenchmark LockSamplerBenchmark \
             OpsHubBenchmark HealthLiveBenchmark DashboardCircuitsBenchmark SamplerTakeoverBenchmark PartitionPruneBenchmark \
             AuditVerifyBenchmark; do
  if ! env "${bench_env[@]}" OPS_BENCH_OUT=$figures dotnet test Console.Tests -c "$config" --no-build --filter "Category=Benchmark&FullyQualifiedName~.$bench." \
       -v quiet --nologo -- xUnit.Explicit=only >"$figures/$bench.log" 2>&1; then
    echo "$bench" >>"$figures/failed.txt"
    { echo "== $bench failed; the end of its log:"; tail -40 "$figures/$bench.log"; } >&2
  fi
done

BENCH_CONFIG=$config python3 - "$runs" "${cold[*]}" "${warm[*]}" "$figures" <<'PY'
import json, os, statistics, sys
runs = sys.argv[1]
figures = sys.argv[4]
failed = set(open(os.path.join(figures, "failed.txt")).read().split()) if os.path.exists(os.path.join(figures, "failed.txt")) else set()

def load(name):
    return json.load(open(os.path.join(figures, name)))

class Failed(Exception):
    pass

def section(title, bench, show):
    """One table; a benchmark that failed (or wrote no figures) is a row saying so, never a missing table."""
    print()
    try:
        show()
    except Failed as e:
        print(f"| {title:<46} | failed: {e} |")
    except (OSError, KeyError, ValueError, ZeroDivisionError) as e:
        why = "failed" if bench in failed else f"no figures ({type(e).__name__}: {e})"
        print(f"| {title:<46} | {bench + ': ' + why} |")

def startup():
    cold = [float(x) for x in sys.argv[2].split() if x != "failed"]
    warm = [float(x) for x in sys.argv[3].split() if x != "failed"]
    print(f"\nOpsConsole benchmarks ({runs} start-ups each; the other benchmarks on a {os.environ['BENCH_CONFIG']} build)")
    section("start-up to login page", "start-up", lambda: startup_table(cold, warm))

def startup_table(cold, warm):
    fails = (sys.argv[2] + " " + sys.argv[3]).split().count("failed")
    if fails:
        raise Failed(f"{fails} of {2 * int(runs)} start-ups never reached the login page")
    rows = [
        ("start-up to login page, cold (new cluster)", statistics.median(cold), max(cold)),
        ("start-up to login page, warm (reused cluster)", statistics.median(warm), max(warm)),
    ]
    print(f"| {'measure':<46} | {'median s':>8} | {'worst s':>8} |")
    print(f"|{'-'*48}|{'-'*10}|{'-'*10}|")
    for name, median, worst in rows:
        print(f"| {name:<46} | {median:>8.2f} | {worst:>8.2f} |")
    print(f"| {'ratio warm / cold (median)':<46} | {statistics.median(warm) / statistics.median(cold):>8.2f} | {'':>8} |")

def show_rollback():
    rollback = load("rollback.json")
    print(f"| {'rollback in process (procedure call), verified':<46} | {'median ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'goal p95':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*10}|")
    print(f"| {str(rollback['rollbacks']) + ' rollbacks on the local target':<46} | {rollback['medianMs']:>9.1f} | {rollback['p95Ms']:>8.1f} | {rollback['maxMs']:>8.1f} | {'< 500':>8} |")
    print(f"| {'ratio p95 / goal':<46} | {'':>9} | {rollback['p95Ms'] / 500:>8.2f} | {'':>8} | {'':>8} |")

def show_graph():
    graph = load("graph.json")
    print(f"| {'wait-for graph build + layout':<46} | {'median ms':>9} |")
    print(f"|{'-'*48}|{'-'*11}|")
    for rows, ms in graph.items():
        print(f"| {f'{int(rows):,} lock rows':<46} | {ms:>9.2f} |")
    print(f"| {'ratio 10,000 rows / goal (20 ms)':<46} | {graph['10000'] / 20:>9.2f} |")

def show_ingest():
    ingest = load("ingest.json")
    print(f"| {'checkout ingest, durable cluster (fsync on)':<46} | {'events/s':>9} | {'rows':>10} | {'batch p95 ms':>12} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*12}|{'-'*14}|{'-'*10}|")
    print(f"| {'HTTP, ' + str(ingest['senders']) + ' senders, batches of ' + str(ingest['batchSize']) + ', group commit':<46} | {ingest['eventsPerSecond']:>9,.0f} | {ingest['eventsStored']:>10,} | {ingest['batchP95Ms']:>12.1f} | {'':>8} |")
    print(f"| {'raw COPY (binary), same rows, 1 commit a round':<46} | {ingest['copyEventsPerSecond']:>9,.0f} | {ingest['copyRows']:>10,} | {'':>12} | {'':>8} |")
    print(f"| {'ratio HTTP / raw COPY':<46} | {ingest['ratio']:>9.2f} | {'':>10} | {'':>12} | {'>= 0.8':>8} |")
    rounds = ', '.join(f"{r['ratio']:.2f}" for r in ingest.get('perRound', []))
    print(f"| {'  per round (HTTP round, then its COPY)':<46} | {rounds:>9} | {'':>10} | {'':>12} | {'':>8} |")
    if 'cpuRatio' in ingest:
        print(f"| {'CPU ms per 1,000 events, HTTP / raw COPY':<46} | {ingest['httpCpuMsPer1000']:>9.1f} | {ingest['copyCpuMsPer1000']:>10.1f} | {'':>12} | {'':>8} |")
        cpu_rounds = ', '.join(f"{r['cpuRatio']:.2f}" for r in ingest.get('perRound', []))
        print(f"| {'CPU ratio raw COPY / HTTP (load moves it less)':<46} | {ingest['cpuRatio']:>9.2f} | {cpu_rounds:>10} | {'':>12} | {'':>8} |")
    print(f"| {'acked / stored (must be equal)':<46} | {ingest['eventsAcknowledged']:>9,} | {ingest['eventsStored']:>10,} | {'':>12} | {'':>8} |")
    print(f"| {'duplicates sent / answered as duplicates':<46} | {ingest['duplicatesSent']:>9,} | {ingest['duplicatesAnswered']:>10,} | {'':>12} | {'':>8} |")
    print(f"| {'429 answers (resent, never dropped)':<46} | {ingest['refused429']:>9,} | {'':>10} | {'':>12} | {'':>8} |")

def show_sampler():
    sampler = load("sampler.json")
    print(f"| {'lock sampler, one tick on the target':<46} | {'median ms':>9} | {'p95 ms':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|")
    print(f"| {'0 sessions waiting':<46} | {sampler['idleMedianMs']:>9.2f} | {sampler['idleP95Ms']:>8.2f} |")
    print(f"| {'200 sessions waiting':<46} | {sampler['waiting200MedianMs']:>9.2f} | {sampler['waiting200P95Ms']:>8.2f} |")
    print(f"| {'ratio 200 waiting / 0 waiting (median)':<46} | {sampler['waiting200MedianMs'] / sampler['idleMedianMs']:>9.1f} |")

def show_queue():
    queue = load("sampler-queue.json")
    print(f"| {'lock sampler, 1,000 sessions queued on one row':<46} | {'median':>9} | {'p95 / max':>9} | {'goal':>8} | {'ratio':>6} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*11}|{'-'*10}|{'-'*8}|")
    print(f"| {'tick: read, graph, store write (ms)':<46} | {queue['tickMedianMs']:>9.1f} | {queue['tickP95Ms']:>9.1f} | {'<= 200':>8} | {queue['tickP95ToGoal']:>6.2f} |")
    print(f"| {'read alone (ms)':<46} | {queue['readMedianMs']:>9.1f} | {queue['readP95Ms']:>9.1f} | {'':>8} | {'':>6} |")
    print(f"| {'stored per tick (KB)':<46} | {queue['storedKbMedian']:>9.1f} | {queue['storedKbMax']:>9.1f} | {'<= 256':>8} | {queue['storedMaxToGoal']:>6.2f} |")
    print(f"| {'allocated per tick (KB)':<46} | {queue['allocatedKbPerTickMedian']:>9.0f} | {'':>9} | {'':>8} | {'':>6} |")
    print(f"| {'sessions kept in full / waits read':<46} | {queue['sessionsKept']:>9.0f} | {queue['waitsRead']:>9.0f} | {'':>8} | {'':>6} |")
    print(f"| {'pg_blocking_pids for every waiter: waits, ms':<46} | {queue['waitsNamedByPgBlockingPids']:>9.0f} | {queue['pgBlockingPidsQueryMs']:>9.0f} | {'':>8} | {'':>6} |")

def loss_spread(figures, label, rest=""):
    """The two spread rows of a pgbench loss table: min / max and the quartiles (rest: the table's further empty cells)."""
    for what, low, high in [("loss min / max", "lossMinPercent", "lossMaxPercent"), ("loss quartiles 25 / 75", "lossP25Percent", "lossP75Percent")]:
        cell = f"{figures[low]:.2f} / {figures[high]:.2f}"
        print(f"| {label + ', ' + what:<46} | {'':>9} | {'':>9} | {cell:>15} | {'':>6} |{rest}")

def show_pgbench():
    pgbench = load("pgbench.json")
    seconds = pgbench["phaseSeconds"]
    print(f"| {'pgbench TPS on the target (-c 4 -j 2, scale 10)':<46} | {'off TPS':>9} | {'on TPS':>9} | {'loss %':>15} | {'goal':>6} | {'latency ms off / on':>19} | {'console CPU s off / on':>22} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*11}|{'-'*17}|{'-'*8}|{'-'*21}|{'-'*24}|")
    for i, (pair, loss) in enumerate(zip(pgbench["pairs"], pgbench["pairLossesPercent"]), 1):
        order = "off, then on" if i % 2 == 1 else "on, then off"
        latency = f"{pair['offLatencyMs']:.3f} / {pair['onLatencyMs']:.3f}"
        cpu = f"{pair['offConsoleCpuSeconds']:.2f} / {pair['onConsoleCpuSeconds']:.2f}"
        print(f"| {f'pair {i}: {seconds:.0f} s each, {order}':<46} | {pair['offTps']:>9,.0f} | {pair['onTps']:>9,.0f} | {loss:>15.2f} | {'':>6} | {latency:>19} | {cpu:>22} |")
    loss_spread(pgbench, "spread of the pairs", f" {'':>19} | {'':>22} |")
    latency = f"{pgbench['offLatencyMs']:.3f} / {pgbench['onLatencyMs']:.3f}"
    cpu = f"{pgbench['offConsoleCpuSeconds']:.2f} / {pgbench['onConsoleCpuSeconds']:.2f}"
    print(f"| {'median: TPS of the phases, loss of the pairs':<46} | {pgbench['offTps']:>9,.0f} | {pgbench['onTps']:>9,.0f} | {pgbench['lossPercent']:>15.2f} | {'<= 2':>6} | {latency:>19} | {cpu:>22} |")
    print(f"| {'ratio median loss / goal':<46} | {'':>9} | {'':>9} | {pgbench['lossPercent'] / 2:>15.2f} | {'':>6} | {'':>19} | {'':>22} |")

def show_pgbench_seconds():
    run = load("pgbench-seconds.json")
    print(f"| {'pgbench TPS, second by second, one run':<46} | {'off TPS':>9} | {'on TPS':>9} | {'loss %':>15} | {'goal':>6} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*11}|{'-'*17}|{'-'*8}|")
    label = f"{run['comparisons']} seconds with a tick / their neighbours"
    print(f"| {label:<46} | {run['offTps']:>9,.0f} | {run['onTps']:>9,.0f} | {run['lossPercent']:>15.2f} | {'<= 2':>6} |")
    loss_spread(run, "spread")
    print(f"| {'ratio median loss / goal':<46} | {'':>9} | {'':>9} | {run['lossPercent'] / 2:>15.2f} | {'':>6} |")
    losses = run["lossesPercent"]
    for i in range(0, len(losses), 15):
        print("  every loss %, in order: " if i == 0 else "                          ", ", ".join(f"{l:.1f}" for l in losses[i:i + 15]))

def show_tick_cpu():
    tick = load("sampler-tick-cpu.json")
    print(f"| {'lock sampler under pgbench, CPU ms per tick':<46} | {'console':>9} | {'target':>9} | {'store':>9} | {'total':>9} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*11}|{'-'*11}|{'-'*11}|")
    for kind, label in [("unpreparedRead", "idle read, planned every tick (before)"), ("read", "idle read, prepared (now)"), ("tick", "whole tick: read, memory, store, notice")]:
        print(f"| {label:<46} | {tick[kind + 'ConsoleCpuMs']:>9.2f} | {tick[kind + 'BackendCpuMs']:>9.2f} | {tick[kind + 'StoreCpuMs']:>9.2f} | {tick[kind + 'CpuMs']:>9.2f} |")
    print(f"| {'idle query on the target: plan / execute ms':<46} | {tick['idleQueryPlanningMs']:>9.3f} | {tick['idleQueryExecutionMs']:>9.3f} | {'':>9} | {'':>9} |")
    print(f"| {'a whole tick each second, share of 2 cores %':<46} | {'':>9} | {'':>9} | {'':>9} | {tick['tickCpuMs'] / 20:>9.2f} |")

def show_hub():
    hub = load("hub.json")
    print(f"| {'live hub, post to client (' + str(hub['100']['events']) + ' batches)':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'heap KB/conn':>12} | {'WS KB/conn':>10} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*14}|{'-'*12}|")
    for n, h in hub.items():
        print(f"| {n + ' subscribers':<46} | {h['p50Ms']:>9.1f} | {h['p95Ms']:>8.1f} | {h['maxMs']:>8.1f} | {h['heapKbPerConnection']:>12.1f} | {h['workingSetKbPerConnection']:>10.1f} |")

def show_health():
    health = load("health-live.json")
    print(f"| {'checkout event, API to open dashboard':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'goal p95':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*10}|")
    print(f"| {str(health['events']) + ' events, one at a time, Chromium':<46} | {health['p50Ms']:>9.1f} | {health['p95Ms']:>8.1f} | {health['maxMs']:>8.1f} | {'< 1000':>8} |")
    print(f"| {'ratio p95 / goal':<46} | {'':>9} | {health['p95Ms'] / 1000:>8.2f} | {'':>8} | {'':>8} |")

def boards(n):
    return "dashboard" if n == "1" else "dashboards"

def show_circuits():
    circuits = load("circuits.json")
    print(f"| {'live dashboards (Health circuits), one event':<46} | {'p50 ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'missed':>6} | {'goal p95':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*8}|{'-'*10}|")
    for n, c in circuits.items():
        goal = "<= 250" if n == "200" else ""
        print(f"| {f'{n} {boards(n)}, server: commit to render sent':<46} | {c['serverP50Ms']:>9.1f} | {c['serverP95Ms']:>8.1f} | {c['serverMaxMs']:>8.1f} | {c['serverMissed']:>6} | {goal:>8} |")
    for n, c in circuits.items():
        goal = "<= 1000" if n == "200" else ""
        print(f"| {f'{n} {boards(n)}, browser: post to screen':<46} | {c['p50Ms']:>9.1f} | {c['p95Ms']:>8.1f} | {c['maxMs']:>8.1f} | {c['missed']:>6} | {goal:>8} |")
    print(f"| {'missed: dashboard x event never shown in 30 s':<46} |")
    print()
    print(f"| {'server heap per live dashboard (circuit)':<46} | {'KB':>9} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|")
    for n, c in circuits.items():
        print(f"| {f'{n} open, managed heap / circuits':<46} | {c['heapKbPerCircuit']:>9.1f} | {'<= 500' if n == '200' else '':>8} |")
    c200 = circuits["200"]
    print(f"| {'ratio heap per circuit (200) / goal':<46} | {c200['heapKbPerCircuit'] / 500:>9.2f} | {'':>8} |")
    print(f"| {'ratio server push p95 (200) / goal':<46} | {c200['serverP95Ms'] / 250:>9.2f} | {'':>8} |")
    print(f"| {'ratio browser push p95 (200) / goal':<46} | {c200['p95Ms'] / 1000:>9.2f} | {'':>8} |")

def show_takeover():
    takeover = load("takeover.json")
    print(f"| {'lock sampler takeover, kill -9 to first tick':<46} | {'median ms':>9} | {'max ms':>8} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|")
    print(f"| {str(takeover['rounds']) + ' kills of the sampling console':<46} | {takeover['medianMs']:>9.0f} | {takeover['maxMs']:>8.0f} | {'<= 3000':>8} |")

def show_click():
    click = load("rollback-click.json")
    steps = click["stepsMedianMs"]
    print(f"| {'rollback by a click in Chromium, click to screen':<46} | {'median ms':>9} | {'p95 ms':>8} | {'max ms':>8} | {'goal p95':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|{'-'*10}|{'-'*10}|")
    print(f"| {str(click['rollbacks']) + ' rollbacks on the local target':<46} | {click['medianMs']:>9.1f} | {click['p95Ms']:>8.1f} | {click['maxMs']:>8.1f} | {'<= 300':>8} |")
    print(f"| {'ratio p95 / goal':<46} | {'':>9} | {click['p95Ms'] / 300:>8.2f} | {'':>8} | {'':>8} |")
    print(f"| {'steps, median ms: ' + ', '.join(f'{k.lower()} {v:.0f}' for k, v in steps.items()):<46} |")

def show_prune():
    prune = load("prune.json")
    print(f"| {'prune a day of ' + format(prune['events'], ',') + ' checkout events':<46} | {'seconds':>9} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*10}|")
    print(f"| {'before: row DELETE by service (vacuum not incl.)':<46} | {prune['deleteSeconds']:>9.2f} | {'':>8} |")
    print(f"| {'now: the prune call (detach, drop, DEFAULT)':<46} | {prune['pruneCallMs'] / 1000:>9.3f} | {'<= 1':>8} |")
    print(f"| {'  of which detach (blocks ingest)':<46} | {prune['detachMs'] / 1000:>9.3f} | {'':>8} |")
    print(f"| {'  of which drop of the detached day (files)':<46} | {prune['dropDetachedMs'] / 1000:>9.3f} | {'':>8} |")
    if 'removeSameBytesMs' in prune:
        print(f"| {'floor: rm of as many bytes (' + format(prune['droppedMegabytes'], ',.0f') + ' MB)':<46} | {prune['removeSameBytesMs'] / 1000:>9.3f} | {'':>8} |")
        print(f"| {'ratio prune call / floor':<46} | {prune['pruneOverRemove']:>9.2f} | {'':>8} |")
    print(f"| {'ratio DELETE / prune call':<46} | {prune['deleteOverDrop']:>9,.0f} | {'':>8} |")

def show_audit():
    audit = load("audit-verify.json")
    print(f"| {'verify chain on ' + format(audit['entries'], ',') + ' audit entries':<46} | {'seconds':>9} | {'entries/s':>10} | {'goal':>8} |")
    print(f"|{'-'*48}|{'-'*11}|{'-'*12}|{'-'*10}|")
    print(f"| {'whole verification, ' + str(audit['progressReports']) + ' progress reports':<46} | {audit['verifySeconds']:>9.2f} | {audit['entriesPerSecond']:>10,.0f} | {'<= 10':>8} |")
    print(f"| {'of which the store: the same rows, read only':<46} | {audit['readOnlySeconds']:>9.2f} | {'':>10} | {'':>8} |")
    print(f"| {'ratio seconds / goal':<46} | {audit['verifySeconds'] / 10:>9.2f} | {'':>10} | {'':>8} |")
    print(f"| {'CSV export, ' + format(audit['exportRows'], ',') + ' rows, ' + str(audit['exportMegabytes']) + ' MB':<46} | {audit['exportSeconds']:>9.2f} | {'':>10} | {'':>8} |")
    print(f"| {'export: live heap growth, KB (flat = streams)':<46} | {audit['exportLiveHeapGrowthKb']:>9,.0f} | {'':>10} | {'':>8} |")

startup()
section("rollback in process, to verified (setting)", "RollbackBenchmark", show_rollback)
section("rollback by a click in Chromium", "RollbackClickBenchmark", show_click)
section("wait-for graph build + layout", "WaitForGraphBenchmark", show_graph)
section("checkout ingest over HTTP", "CheckoutIngestBenchmark", show_ingest)
section("lock sampler, one tick on the target", "LockSamplerBenchmark", show_sampler)
section("lock sampler, 1,000 sessions queued on one row", "LockSamplerBenchmark", show_queue)
section("lock sampler under pgbench, CPU per tick", "LockSamplerBenchmark", show_tick_cpu)
section("pgbench on the target, sampler off and on", "LockSamplerBenchmark", show_pgbench)
section("pgbench on the target, a tick every other second", "LockSamplerBenchmark", show_pgbench_seconds)
section("live hub, post to client", "OpsHubBenchmark", show_hub)
section("checkout event, API to open dashboard", "HealthLiveBenchmark", show_health)
section("live dashboards (circuits), post to screen", "DashboardCircuitsBenchmark", show_circuits)
section("lock sampler takeover, kill -9 to first tick", "SamplerTakeoverBenchmark", show_takeover)
section("prune a day of checkout events", "PartitionPruneBenchmark", show_prune)
section("verify the audit chain", "AuditVerifyBenchmark", show_audit)
print()
PY
failures=$(cat "$figures/failed.txt" 2>/dev/null || true)
[[ " ${cold[*]} ${warm[*]} " != *" failed "* ]] || failures="start-up $failures"
rm -rf "$figures"
# The table is whole either way; the exit status says whether every benchmark ran.
[[ -z $failures ]] || { echo "benchmarks that failed: $failures" >&2; exit 1; }
