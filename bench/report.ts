import type { WorkloadName } from './workloads.js';

/** A peer gateway: bare, no security (bench/peers/). */
export type PeerName = 'apollo-gateway' | 'hive-gateway' | 'hive-gateway-router-runtime';

/** The peers the hub's targets are judged against, in the order tables show them. */
export const PEER_NAMES: readonly PeerName[] = ['apollo-gateway', 'hive-gateway', 'hive-gateway-router-runtime'];

/**
 * Who answered: the hub's gateway (one process; `hub-2-workers`: a primary and two workers), one of the peers, a
 * register subgraph called directly, or (`direct-parallel`, latency part) all of a workload's register calls sent at
 * once by the load generator: what a gateway that cost nothing would achieve on the same machine.
 */
export type GatewayName = 'hub' | 'hub-2-workers' | PeerName | 'direct' | 'direct-parallel';

/** The gateways in the order tables and charts show them. */
export const GATEWAYS: readonly GatewayName[] = ['hub', 'hub-2-workers', ...PEER_NAMES, 'direct', 'direct-parallel'];

/** One measured cell: one gateway, one workload, one round. The first nine fields are the issue's schema. */
export interface Run {
  gateway: GatewayName;
  workload: WorkloadName;
  persons: number;
  round: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** CPU of the gateway's process and its children (for `direct`: of the register's process); 100 = one core. */
  cpu_percent: number;
  /** Peak resident memory of those processes during the measured window (summed over them), MiB. */
  rss_mb: number;
  /**
   * `compare`: the gateways and the registers side by side on SQLite; `latency`: the same dashboard cells at one connection (unloaded);
   * `scale`: the hub's dashboard on PostgreSQL of each size; `consent-scale`: the hub's partner workload with an
   * empty and a seeded PostgreSQL consent database (the registers as in `compare`).
   */
  part: 'compare' | 'latency' | 'scale' | 'consent-scale';
  /** Concurrent connections of the load generator (1 for `latency`; the setting and 1 for `consent-scale`). */
  connections: number;
  /** The registers' database. */
  database: 'sqlite' | 'postgres';
  /** `consent-scale` only: the consents and disclosure records seeded in the gateway's consent database (0 and 0: the empty one). */
  consents?: number;
  disclosures?: number;
  /** Direct runs only: which register was called. */
  subgraph?: string;
  mean_ms: number;
  /** 2xx responses in the measured window, and everything that went wrong (all must be 0 for a valid run). */
  requests: number;
  non2xx: number;
  errors: number;
  /** Responses whose body differed from the one checked before measuring (a register failing under load, say). */
  mismatches: number;
  seconds: number;
  /**
   * The share of the window the gateway's main thread was runnable but waiting for a core (run-queue delay); absent
   * where the kernel keeps no schedstat. With the cores shared, what req/s lost to the scheduler, not to the gateway.
   */
  runqueue_wait_percent?: number;
  /** CPU of the four register processes during the window, summed. */
  subgraphs_cpu_percent: number;
  /** CPU of the load generator's process during the window (near 100 means it, not the gateway, was the limit). */
  loadgen_cpu_percent: number;
  /** Partner runs: DPoP proofs the load generator had to sign during the run, its supply signed before it used up. */
  proofs_signed_during_load?: number;
  /**
   * CPU the rest of the machine used during the window (every process but the gateway, the subgraphs and the load
   * generator; 100 = one core): what other work competed with the measurement.
   */
  other_cpu_percent: number;
}

/** What results/latest.json holds. */
export interface BenchResults {
  machine: Record<string, unknown>;
  settings: Record<string, unknown>;
  runs: Run[];
  scale: { skipped: boolean; reason?: string; database?: string; persons?: number[]; databases?: unknown[] };
  /** The consent-scale part: its databases and the flatness of the disclosure log on each (bench/consentScale.ts). */
  consent_scale: { skipped: boolean; reason?: string; databases?: unknown[]; flatness?: ConsentFlatness[] };
  summary: { medians: Median[]; ratios: Ratio[]; targets: Target[] };
}

/** One database's disclosure append and newest-first page, medians in ms (bench/consentScale.ts `measureFlatness`). */
export interface ConsentFlatness {
  name: string;
  consents: number;
  disclosures: number;
  append_p50_ms: number;
  page_p50_ms: number;
  samples: number;
}

/** Medians over rounds of one gateway × workload (× subgraph × persons × connections × consents). */
export interface Median {
  part: Run['part'];
  connections: number;
  gateway: GatewayName;
  workload: WorkloadName;
  subgraph?: string;
  persons: number;
  consents?: number;
  disclosures?: number;
  rounds: number;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  cpu_percent: number;
  rss_mb: number;
  /** CPU the register processes and the rest of the machine used meanwhile (see {@link Run}). */
  subgraphs_cpu_percent: number;
  other_cpu_percent: number;
  /** The gateway's main thread's run-queue wait (see {@link Run}); absent where no round measured it. */
  runqueue_wait_percent?: number;
}

/** hub / peer for one workload and metric. */
export interface Ratio {
  workload: WorkloadName;
  peer: GatewayName;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  cpu_percent: number;
  rss_mb: number;
}

/** A target of the issue, and whether this run met it (`null`: not measured in this run). */
export interface Target {
  id: string;
  description: string;
  measured: string;
  met: boolean | null;
  /** Shown for context only, not a target (the p50 comparison at 10 connections, where every gateway queues). */
  informational?: true;
}

/** The median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Medians over rounds of every measured combination. */
export function medians(runs: readonly Run[]): Median[] {
  const groups = new Map<string, Run[]>();
  for (const run of runs) {
    const key = [run.part, run.gateway, run.workload, run.subgraph ?? '', run.persons, run.connections, run.consents ?? ''].join('|');
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  return [...groups.values()].map((group) => {
    const first = group[0]!;
    const waits = group.flatMap((run) => (run.runqueue_wait_percent === undefined ? [] : [run.runqueue_wait_percent]));
    const of = (metric: 'rps' | 'p50_ms' | 'p99_ms' | 'cpu_percent' | 'rss_mb' | 'subgraphs_cpu_percent' | 'other_cpu_percent') => median(group.map((run) => run[metric]));
    return {
      part: first.part,
      connections: first.connections,
      gateway: first.gateway,
      workload: first.workload,
      ...(first.subgraph ? { subgraph: first.subgraph } : {}),
      persons: first.persons,
      ...(first.consents !== undefined ? { consents: first.consents, disclosures: first.disclosures } : {}),
      rounds: group.length,
      rps: of('rps'),
      p50_ms: of('p50_ms'),
      p99_ms: of('p99_ms'),
      cpu_percent: of('cpu_percent'),
      rss_mb: of('rss_mb'),
      subgraphs_cpu_percent: of('subgraphs_cpu_percent'),
      other_cpu_percent: of('other_cpu_percent'),
      ...(waits.length > 0 ? { runqueue_wait_percent: median(waits) } : {}),
    };
  });
}

function find(rows: readonly Median[], gateway: GatewayName, workload: WorkloadName, part: Run['part'] = 'compare'): Median | undefined {
  return rows.find((row) => row.part === part && row.gateway === gateway && row.workload === workload && !row.subgraph);
}

/** The slowest register called directly for a workload (highest p50): the floor of that workload's latency. */
export function slowestDirect(rows: readonly Median[], workload: WorkloadName, part: Run['part'] = 'compare'): Median | undefined {
  return rows
    .filter((row) => row.part === part && row.gateway === 'direct' && row.workload === workload)
    .sort((a, b) => b.p50_ms - a.p50_ms)[0];
}

/** hub / peer of every metric, per workload (and hub / hub-2-workers where that ran). */
export function ratios(rows: readonly Median[], workloads: readonly WorkloadName[]): Ratio[] {
  const out: Ratio[] = [];
  for (const workload of workloads) {
    const hub = find(rows, 'hub', workload);
    if (!hub) continue;
    for (const peer of [...PEER_NAMES, 'hub-2-workers'] as const) {
      const other = find(rows, peer, workload);
      if (!other) continue;
      out.push({
        workload,
        peer,
        rps: hub.rps / other.rps,
        p50_ms: hub.p50_ms / other.p50_ms,
        p99_ms: hub.p99_ms / other.p99_ms,
        cpu_percent: hub.cpu_percent / other.cpu_percent,
        rss_mb: hub.rss_mb / other.rss_mb,
      });
    }
  }
  return out;
}

/** The consent-scale part's cell: the hub's partner workload with `consents` seeded, at `connections`. */
function consentRow(rows: readonly Median[], consents: number, connections: number): Median | undefined {
  return rows.find((row) => row.part === 'consent-scale' && row.consents === consents && row.connections === connections);
}

const compact = (n: number) => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

/**
 * Issue 14 item 6: the partner p50 with the seeded consent database within 1.2x of that with an empty one, judged at
 * one connection (each request's consent check, DPoP replay insert, rate limit upsert and disclosure append on its
 * critical path; at 10 connections the p50 is queueing, shown for context). A seed smaller than the issue's size
 * (`--consent-scale`) is shown but not judged.
 */
export function consentScaleTargets(rows: readonly Median[], size: { consents: number; disclosures: number } | null, loadedConnections: number): Target[] {
  const issue = '10M consents / 50M disclosures';
  const judge = (connections: number, informational: boolean): Target => {
    const empty = consentRow(rows, 0, connections);
    const seeded = size ? consentRow(rows, size.consents, connections) : undefined;
    const atIssueSize = size !== null && size.consents >= 10_000_000 && size.disclosures >= 50_000_000;
    const sized = size ? `${compact(size.consents)} consents / ${compact(size.disclosures)} disclosures` : issue;
    const measured = empty && seeded
      ? `${fmt(seeded.p50_ms, 2)} ms vs ${fmt(empty.p50_ms, 2)} ms = ${fmt(seeded.p50_ms / empty.p50_ms, 2)}x${atIssueSize ? '' : ` (at ${sized}, below the issue's ${issue}: not judged)`}`
      : 'not measured (consent-scale part skipped)';
    return {
      id: informational ? 'p50-partner-consent-scale-loaded' : 'p50-partner-consent-scale',
      description: informational
        ? `the same at ${connections} connections (saturated: queueing, for context)`
        : `hub p50 on partner at ${issue} <= 1.2x with an empty consent database (PostgreSQL, 1 connection)`,
      measured,
      met: empty && seeded && (atIssueSize || informational) ? seeded.p50_ms <= 1.2 * empty.p50_ms : null,
      ...(informational ? { informational: true as const } : {}),
    };
  };
  return [judge(1, false), judge(loadedConnections, true)];
}

/** The issue's targets, judged on the medians of this run. */
export function targets(rows: readonly Median[], scalePersons: readonly number[], consentSize: { consents: number; disclosures: number } | null = null, connections = 10): Target[] {
  const out: Target[] = [];
  for (const workload of ['dashboard', 'partner'] as const) {
    const hub = find(rows, 'hub', workload);
    for (const peer of PEER_NAMES) {
      const other = find(rows, peer, workload);
      out.push({
        id: `rps-${workload}-vs-${peer}`,
        description: `hub rps on ${workload} >= ${peer} rps`,
        measured: hub && other ? `${fmt(hub.rps, 0)} vs ${fmt(other.rps, 0)} req/s (${fmt(hub.rps / other.rps, 2)}x)` : 'not measured',
        met: hub && other ? hub.rps >= other.rps : null,
      });
    }
    // Two workers against one, side by side: what a second core buys (context: the peers run one process).
    const two = find(rows, 'hub-2-workers', workload);
    out.push({
      id: `rps-${workload}-2-workers-vs-1`,
      description: `hub-2-workers rps on ${workload} vs hub (1 worker)`,
      measured: hub && two ? `${fmt(two.rps, 0)} vs ${fmt(hub.rps, 0)} req/s (${fmt(two.rps / hub.rps, 2)}x)` : 'not measured',
      met: hub && two ? two.rps >= hub.rps : null,
      informational: true,
    });
  }
  // Judged unloaded (one connection): at 10 connections every gateway is saturated, and its p50 is mostly queueing.
  const hub = find(rows, 'hub', 'dashboard', 'latency');
  const floor = slowestDirect(rows, 'dashboard', 'latency');
  out.push({
    id: 'p50-dashboard-vs-direct',
    description: 'hub p50 on dashboard <= 2x the slowest direct subgraph call p50 (1 connection)',
    measured: hub && floor ? `${fmt(hub.p50_ms, 2)} ms vs ${fmt(floor.p50_ms, 2)} ms (${floor.subgraph}) = ${fmt(hub.p50_ms / floor.p50_ms, 2)}x` : 'not measured',
    met: hub && floor ? hub.p50_ms <= 2 * floor.p50_ms : null,
  });
  // What no gateway can beat here: the registers' own answers, all at once, sharing the machine's cores.
  const parallel = find(rows, 'direct-parallel', 'dashboard', 'latency');
  out.push({
    id: 'p50-dashboard-floor',
    description: 'the dashboard\'s register calls sent all at once, no gateway (the floor of any gateway on this machine) vs the slowest direct call (1 connection)',
    measured: parallel && floor
      ? `${fmt(parallel.p50_ms, 2)} ms vs ${fmt(floor.p50_ms, 2)} ms = ${fmt(parallel.p50_ms / floor.p50_ms, 2)}x${hub ? `; the hub adds ${fmt(hub.p50_ms - parallel.p50_ms, 2)} ms to it (${fmt(hub.p50_ms / parallel.p50_ms, 2)}x)` : ''}`
      : 'not measured',
    met: parallel && floor ? parallel.p50_ms <= 2 * floor.p50_ms : null,
    informational: true,
  });
  const loaded = find(rows, 'hub', 'dashboard');
  const loadedFloor = slowestDirect(rows, 'dashboard');
  out.push({
    id: 'p50-dashboard-vs-direct-loaded',
    description: `the same at ${loaded?.connections ?? '?'} connections (saturated: queueing, for context)`,
    measured: loaded && loadedFloor ? `${fmt(loaded.p50_ms, 2)} ms vs ${fmt(loadedFloor.p50_ms, 2)} ms (${loadedFloor.subgraph}) = ${fmt(loaded.p50_ms / loadedFloor.p50_ms, 2)}x` : 'not measured',
    met: loaded && loadedFloor ? loaded.p50_ms <= 2 * loadedFloor.p50_ms : null,
    informational: true,
  });
  const smallest = scalePersons.length > 0 ? Math.min(...scalePersons) : undefined;
  const largest = scalePersons.length > 0 ? Math.max(...scalePersons) : undefined;
  const small = rows.find((row) => row.part === 'scale' && row.persons === smallest);
  const large = rows.find((row) => row.part === 'scale' && row.persons === largest);
  out.push({
    id: 'p50-dashboard-scale',
    description: 'hub p50 on dashboard at 1,000,000 persons <= 1.2x that at 1,000 (PostgreSQL)',
    measured: small && large && small !== large
      ? `${fmt(large.p50_ms, 2)} ms at ${large.persons.toLocaleString('en')} vs ${fmt(small.p50_ms, 2)} ms at ${small.persons.toLocaleString('en')} = ${fmt(large.p50_ms / small.p50_ms, 2)}x`
      : 'not measured (scale part skipped)',
    met: small && large && small !== large ? large.p50_ms <= 1.2 * small.p50_ms : null,
  });
  out.push(...consentScaleTargets(rows, consentSize, connections));
  return out;
}

/** CPU milliseconds the measured process spent per answered request. */
export function cpuMsPerRequest(row: Pick<Median, 'cpu_percent' | 'rps'>): number {
  return (row.cpu_percent * 10) / row.rps;
}

/** A number with `digits` decimals, or n/a. */
export function fmt(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** The printed report: medians, ratios, the scale part, the targets. */
export function formatReport(results: BenchResults, workloads: readonly WorkloadName[]): string {
  const rows = results.summary.medians;
  const out: string[] = [];
  const compare = rows
    .filter((row) => row.part === 'compare')
    .sort((a, b) => workloads.indexOf(a.workload) - workloads.indexOf(b.workload) || GATEWAYS.indexOf(a.gateway) - GATEWAYS.indexOf(b.gateway) || (a.subgraph ?? '').localeCompare(b.subgraph ?? ''));
  out.push(`Side by side (SQLite, ${compare[0]?.persons.toLocaleString('en') ?? '?'} persons, ${compare[0]?.connections ?? '?'} connections; median of ${compare[0]?.rounds ?? 0} round(s); cpu/rss: the gateway's processes (with its workers), for direct the register's process; subgraphs cpu: the four register processes; 100% = one core; cpu ms/req: cpu % x 10 / req/s; waited %: the gateway's main thread runnable but without a core; others: the rest of the machine)`);
  out.push(table(
    ['workload', 'gateway', 'subgraph', 'req/s', 'p50 ms', 'p99 ms', 'cpu %', 'waited %', 'cpu ms/req', 'rss MB', 'subgraphs cpu %', 'others cpu %'],
    compare.map((row) => [row.workload, row.gateway, row.subgraph ?? '', fmt(row.rps, 0), fmt(row.p50_ms, 2), fmt(row.p99_ms, 2), fmt(row.cpu_percent, 0), row.runqueue_wait_percent === undefined ? '' : fmt(row.runqueue_wait_percent, 0), fmt(cpuMsPerRequest(row), 2), fmt(row.rss_mb, 0), row.gateway === 'direct' ? '' : fmt(row.subgraphs_cpu_percent, 0), fmt(row.other_cpu_percent, 0)]),
  ));
  const latency = rows
    .filter((row) => row.part === 'latency')
    .sort((a, b) => GATEWAYS.indexOf(a.gateway) - GATEWAYS.indexOf(b.gateway) || (a.subgraph ?? '').localeCompare(b.subgraph ?? ''));
  if (latency.length > 0) {
    out.push('', `Unloaded latency (the dashboard cells at ${latency[0]!.connections} connection: one request at a time)`);
    out.push(table(
      ['workload', 'gateway', 'subgraph', 'req/s', 'p50 ms', 'p99 ms', 'cpu %', 'cpu ms/req', 'others cpu %'],
      latency.map((row) => [row.workload, row.gateway, row.subgraph ?? '', fmt(row.rps, 0), fmt(row.p50_ms, 2), fmt(row.p99_ms, 2), fmt(row.cpu_percent, 0), fmt(cpuMsPerRequest(row), 2), fmt(row.other_cpu_percent, 0)]),
    ));
  }
  out.push('', 'Ratios hub / peer, and hub / hub-2-workers (req/s above 1 and latency below 1 favour the hub with one worker)');
  out.push(table(
    ['workload', 'peer', '', 'req/s', 'p50', 'p99', 'cpu', 'rss'],
    results.summary.ratios.map((r) => [r.workload, r.peer, '', fmt(r.rps, 2), fmt(r.p50_ms, 2), fmt(r.p99_ms, 2), fmt(r.cpu_percent, 2), fmt(r.rss_mb, 2)]),
  ));
  const scale = rows.filter((row) => row.part === 'scale').sort((a, b) => a.persons - b.persons);
  out.push('');
  if (results.scale.skipped) {
    out.push(`Scale: skipped (${results.scale.reason ?? 'no reason given'})`);
  } else {
    out.push('Scale: the hub on the dashboard workload, PostgreSQL');
    out.push(table(
      ['persons', 'gateway', 'workload', 'req/s', 'p50 ms', 'p99 ms', 'cpu %', 'rss MB', 'subgraphs cpu %', 'others cpu %'],
      scale.map((row) => [row.persons.toLocaleString('en'), row.gateway, row.workload, fmt(row.rps, 0), fmt(row.p50_ms, 2), fmt(row.p99_ms, 2), fmt(row.cpu_percent, 0), fmt(row.rss_mb, 0), fmt(row.subgraphs_cpu_percent, 0), fmt(row.other_cpu_percent, 0)]),
    ));
  }
  out.push('');
  if (results.consent_scale.skipped) {
    out.push(`Consent scale: skipped (${results.consent_scale.reason ?? 'no reason given'})`);
  } else {
    const consent = rows.filter((row) => row.part === 'consent-scale').sort((a, b) => b.connections - a.connections || (a.consents ?? 0) - (b.consents ?? 0));
    out.push('Consent scale: the hub on the partner workload, its consent database on PostgreSQL empty or seeded (the registers as side by side)');
    out.push(table(
      ['consents', 'disclosures', 'connections', 'req/s', 'p50 ms', 'p99 ms', 'cpu %', 'cpu ms/req', 'rss MB', 'others cpu %'],
      consent.map((row) => [(row.consents ?? 0).toLocaleString('en'), (row.disclosures ?? 0).toLocaleString('en'), String(row.connections), fmt(row.rps, 0), fmt(row.p50_ms, 2), fmt(row.p99_ms, 2), fmt(row.cpu_percent, 0), fmt(cpuMsPerRequest(row), 2), fmt(row.rss_mb, 0), fmt(row.other_cpu_percent, 0)]),
    ));
    const flatness = results.consent_scale.flatness ?? [];
    if (flatness.length > 0) {
      out.push('', `Disclosure log flatness (medians of ${flatness[0]!.samples} appends and newest-first pages, one at a time, through lib/consents)`);
      out.push(table(
        ['database', 'consents', 'disclosures', 'append ms', 'page ms'],
        flatness.map((f) => [f.name, f.consents.toLocaleString('en'), f.disclosures.toLocaleString('en'), fmt(f.append_p50_ms, 3), fmt(f.page_p50_ms, 3)]),
      ));
    }
  }
  out.push('', 'Targets');
  for (const target of results.summary.targets) {
    const verdict = target.informational ? 'context' : target.met === null ? 'NOT MEASURED' : target.met ? 'met' : 'NOT MET';
    out.push(`  [${verdict}] ${target.description}: ${target.measured}`);
  }
  const invalid = results.runs.filter((run) => run.non2xx + run.errors + run.mismatches > 0);
  if (invalid.length > 0) {
    out.push('', `Warning: ${invalid.length} run(s) had failed requests (non-2xx, errors or changed bodies):`);
    for (const run of invalid) out.push(`  round ${run.round} ${run.part} ${run.gateway} ${run.workload}${run.subgraph ? ` ${run.subgraph}` : ''} ${run.persons}${run.consents !== undefined ? ` consents ${run.consents}` : ''} @${run.connections}: non2xx ${run.non2xx}, errors ${run.errors}, mismatches ${run.mismatches}`);
  }
  return out.join('\n');
}
