/**
 * `node --import tsx bench/ab.ts [--variant name=dir]... [--env name:KEY=VALUE]... [--peers] [--workloads partner,dashboard]
 * [--rounds N] [--duration S] [--warmup S] [--connections N] [--rate R] [--cpu-prof DIR] [--keep]`: the hub's gateway
 * from several source trees side by side, on the same subgraphs, authorization server and consent database, to
 * measure what one change buys. `current` (this tree) always runs; each `--variant` names another tree holding
 * `gateway/`, `lib/` and `schema/` (a copy of an earlier version, with `node_modules` linked); `--peers` adds the
 * bench's peers. See bench/README.md ("A/B of the hub"). Exit codes: 0 done, 1 a response failed, 2 bad arguments.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../consent/partners.js';
import { loadSigningKey } from '../lib/keys.js';
import { personIdFor } from '../lib/personId.js';
import { createDpopProof } from '../lib/tokens/dpopProof.js';
import { INTERNAL_KEY_SOURCE } from '../lib/tokens/internalCredential.js';
import { baseEnv, BENCH_PSEUDONYM_KEY, LoadGenerator, PEERS, registerEnv, registerUrls, startPeer, startSubgraphs, token } from './harness.js';
import { freePorts, readyz, ROOT, startService, stopAll, type ChildService } from './processes.js';
import { fmt, median } from './report.js';
import {
  BENCH_PERSONA, credentialHeader, gatewayBody, mintCredentials, PARTNER_CLIENT_ID, PARTNER_SCOPES, WORKLOADS, type WorkloadName,
} from './workloads.js';

const USAGE = 'usage: node --import tsx bench/ab.ts [--variant name=dir]... [--env name:KEY=VALUE]... [--peers] [--workloads partner,dashboard] [--rounds N] [--duration S] [--warmup S] [--connections N] [--rate R] [--cpu-prof DIR] [--keep]';

interface Sample {
  variant: string;
  workload: WorkloadName;
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
  subgraphsCpu: number;
  /** The load generator's CPU percent: what the caller's side of each request costs on the same cores. */
  loadCpu: number;
  /** The gateway's main thread's run-queue wait, percent of the window (NaN where unknown). */
  wait: number;
  /** The whole machine's busy CPU percent (200 = both cores): with the cores full, what req/s is bound by. */
  machineCpu: number;
  others: number;
  failed: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({
    strict: true,
    options: {
      variant: { type: 'string', multiple: true }, env: { type: 'string', multiple: true }, peers: { type: 'boolean' },
      workloads: { type: 'string' }, rounds: { type: 'string' }, duration: { type: 'string' }, warmup: { type: 'string' },
      connections: { type: 'string' }, rate: { type: 'string' }, 'cpu-prof': { type: 'string' }, keep: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    log(USAGE);
    return 0;
  }
  const variants = [{ name: 'current', dir: ROOT }, ...(values.variant ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at < 1) throw new TypeError(`--variant must be name=dir, got ${spec}`);
    return { name: spec.slice(0, at), dir: resolve(spec.slice(at + 1)) };
  })];
  for (const variant of variants) {
    if (!existsSync(join(variant.dir, 'gateway', 'main.ts'))) throw new TypeError(`--variant ${variant.name}: ${variant.dir} holds no gateway/main.ts`);
  }
  const names = (values.workloads ?? 'partner,dashboard').split(',').map((name) => name.trim());
  const workloads = names.map((name) => {
    const workload = WORKLOADS.find((w) => w.name === name);
    if (!workload) throw new TypeError(`--workloads: unknown workload ${name}`);
    return workload;
  });
  const rounds = Math.round(positive(values.rounds, 'rounds', 3));
  const duration = positive(values.duration, 'duration', 5);
  const warmup = positive(values.warmup, 'warmup', 2);
  const connections = Math.round(positive(values.connections, 'connections', 10));
  const rate = values.rate === undefined ? undefined : positive(values.rate, 'rate', 0);
  // --env name:KEY=VALUE sets a variable for one variant's gateway only (LOG_LEVEL, say).
  const variantEnv = new Map<string, Record<string, string>>();
  for (const spec of values.env ?? []) {
    const match = /^([^:]+):([A-Z_][A-Z0-9_]*)=(.*)$/.exec(spec);
    if (!match) throw new TypeError(`--env must be name:KEY=VALUE, got ${spec}`);
    variantEnv.set(match[1]!, { ...variantEnv.get(match[1]!), [match[2]!]: match[3]! });
  }
  if (duration + warmup > 100) throw new TypeError('--duration plus --warmup must stay under 100 s (internal credentials live 120 s)');

  const peers = new Map<string, ChildService>();
  const home = mkdtempSync(join(tmpdir(), 'hub-ab-'));
  const logDir = join(home, 'logs');
  mkdirSync(logDir, { recursive: true });
  let load: LoadGenerator | undefined;
  let failed = true;
  try {
    const env = baseEnv(home);
    const ports = await freePorts(7 + variants.length);
    const registers = { population: ports[0]!, tax: ports[1]!, vehicles: ports[2]!, education: ports[3]!, requests: ports[6]! };
    const authPort = ports[4]!;
    const gatewayPorts = ports.slice(7);
    // One audience for every variant, so one token serves them all; each checks DPoP proofs against its own URL.
    const audience = `http://127.0.0.1:${ports[5]!}/graphql`;
    Object.assign(env, registerEnv(registers), { AUTH_PORT: String(authPort), GATEWAY_AUDIENCE: audience });
    const [subgraphs] = await Promise.all([
      startSubgraphs('subgraphs', env, registers, logDir),
      startService({ name: 'auth', script: 'consent/main.ts', env, port: authPort, logDir, ready: readyz }),
    ]);
    const hubs: ChildService[] = [];
    if (values.peers) {
      // The bench's peers (bench/peers/), as more variants: no security, the registers' credentials forwarded.
      const peerPorts = await freePorts(PEERS.length);
      for (const [i, peer] of PEERS.entries()) peers.set(peer.name, await startPeer(peer, env, peerPorts[i]!, registerUrls(registers), logDir));
    }
    for (const [i, variant] of variants.entries()) {
      const profileDir = values['cpu-prof'] ? resolve(values['cpu-prof'], variant.name) : undefined;
      hubs.push(await startService({
        name: `hub-${variant.name}`,
        script: join(variant.dir, 'gateway', 'main.ts'),
        nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
        // One process, like the peers, unless --env says otherwise (GATEWAY_WORKERS defaults to the number of cores).
        env: { ...env, GATEWAY_PORT: String(gatewayPorts[i]), GATEWAY_WORKERS: '1', ...variantEnv.get(variant.name) },
        port: gatewayPorts[i]!,
        logDir,
        ready: readyz,
      }));
    }
    const [citizenToken, partnerToken] = await Promise.all([
      token(env, ['--persona', BENCH_PERSONA, '--ttl', '7200']),
      token(env, ['--persona', BENCH_PERSONA, '--client', PARTNER_CLIENT_ID, '--scope', PARTNER_SCOPES.join(' '), '--ttl', '7200']),
    ]);
    const partnerJwk = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES[PARTNER_CLIENT_ID]!, 'utf8')) as JWK;
    const internalKey = await loadSigningKey({ env, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
    const personId = personIdFor(BENCH_PERSONA, BENCH_PSEUDONYM_KEY);
    const all = [...variants.map((variant, i) => ({ name: variant.name, service: hubs[i]!, peer: false })), ...[...peers].map(([name, service]) => ({ name, service, peer: true }))];
    log(`ab: ${variants.map((v) => `${v.name} (${v.dir})`).join(', ')} ready; ${rounds} round(s) of ${workloads.map((w) => w.name).join(', ')}, ${duration} s after ${warmup} s warm-up, ${connections} connections`);

    // Every variant's answer to every workload, which each response under load must equal (a register failing or a
    // refused proof is a mismatch, not a faster request); and the data must be the same for all of them.
    const partnerKey = (await importJWK(partnerJwk, 'ES256')) as CryptoKey;
    const { d: _private, ...partnerPublicJwk } = partnerJwk;
    const expected = new Map<string, string>();
    for (const workload of workloads) {
      let first: string | undefined;
      for (const variant of all) {
        const url = `http://127.0.0.1:${variant.service.port}/graphql`;
        const partner = workload.caller === 'partner' && !variant.peer;
        const credentials = variant.peer ? await mintCredentials(internalKey, workload, personId) : undefined;
        const headers: Record<string, string> = credentials
          ? Object.fromEntries(Object.entries(credentials).map(([register, credential]) => [credentialHeader(register), credential]))
          : { authorization: partner ? `DPoP ${partnerToken}` : `Bearer ${citizenToken}` };
        if (partner) headers.dpop = await createDpopProof(partnerKey, partnerPublicJwk, 'ES256', { htm: 'POST', htu: url, accessToken: partnerToken });
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: gatewayBody(workload) });
        const text = await response.text();
        const data = JSON.stringify((JSON.parse(text) as { data?: unknown; errors?: unknown }).data ?? null);
        if (response.status !== 200 || text.includes('"errors"')) throw new Error(`${variant.name} answers ${workload.name} with ${response.status}: ${text.slice(0, 400)}`);
        if (first !== undefined && data !== first) throw new Error(`${variant.name} answers ${workload.name} with other data than ${all[0]!.name}`);
        first ??= data;
        expected.set(`${variant.name}\n${workload.name}`, text);
      }
    }

    load = new LoadGenerator(logDir);
    const samples: Sample[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      for (const workload of workloads) {
        const order = all.map((_, i) => (i + round - 1) % all.length);
        for (const i of order) {
          const variant = all[i]!;
          const hub = variant.service;
          const url = `http://127.0.0.1:${hub.port}/graphql`;
          const partner = workload.caller === 'partner' && !variant.peer;
          const credentials = variant.peer ? await mintCredentials(internalKey, workload, personId) : undefined;
          const job = {
            url,
            headers: credentials
              ? Object.fromEntries(Object.entries(credentials).map(([register, credential]) => [credentialHeader(register), credential]))
              : { authorization: partner ? `DPoP ${partnerToken}` : `Bearer ${citizenToken}` },
            body: gatewayBody(workload),
            connections,
            ...(rate ? { rate } : {}),
            ...(partner ? { dpop: { privateJwk: partnerJwk, accessToken: partnerToken, htu: url } } : {}),
          };
          await load.run({ ...job, seconds: warmup });
          const { result, usage: measured } = await load.measure(
            { ...job, seconds: duration, expectBody: expected.get(`${variant.name}\n${workload.name}`) },
            [hub.pid, ...subgraphs.services.map((s) => s.pid), load.pid],
          );
          if (!measured) throw new Error(`the load generator failed before its load began: ${result.error ?? 'no reason given'}`);
          const { processes: usage, machineCpuPercent } = measured;
          const ours = [...usage.values()].reduce((sum, u) => sum + u.cpuPercent, 0);
          const sample: Sample = {
            variant: variant.name,
            workload: workload.name,
            rps: result.rps,
            p50: result.p50_ms,
            p99: result.p99_ms,
            cpu: usage.get(hub.pid)!.cpuPercent,
            subgraphsCpu: subgraphs.services.reduce((sum, s) => sum + usage.get(s.pid)!.cpuPercent, 0),
            loadCpu: usage.get(load.pid)!.cpuPercent,
            machineCpu: machineCpuPercent,
            wait: usage.get(hub.pid)!.runqueueWaitPercent ?? NaN,
            others: Math.max(0, machineCpuPercent - ours),
            failed: result.non2xx + result.errors + result.timeouts + result.mismatches,
          };
          samples.push(sample);
          log(`round ${round} ${workload.name.padEnd(9)} ${variant.name.padEnd(16)} ${sample.rps.toFixed(0).padStart(5)} req/s  p50 ${sample.p50.toFixed(1).padStart(6)} ms  p99 ${sample.p99.toFixed(1).padStart(6)} ms  cpu ${sample.cpu.toFixed(0).padStart(3)}% (waited ${sample.wait.toFixed(0).padStart(2)}%)  ${cpuMs(sample).toFixed(2)} CPU ms/req  load ${sample.loadCpu.toFixed(0).padStart(3)}%  machine ${((sample.machineCpu * 10) / sample.rps).toFixed(2)} CPU ms/req  others ${sample.others.toFixed(0).padStart(3)}%${sample.failed ? `  FAILED ${sample.failed} ${JSON.stringify(result.statusCodes)}` : ''}`);
        }
      }
    }
    process.stdout.write(`\n${report(samples, all.map((v) => v.name), workloads.map((w) => w.name))}\n`);
    failed = samples.some((s) => s.failed > 0);
    return failed ? 1 : 0;
  } finally {
    load?.stop();
    await stopAll();
    if (failed || values.keep) log(`ab: logs kept in ${logDir}`);
    else rmSync(home, { recursive: true, force: true });
  }
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new TypeError(`--${name} must be a positive number, got ${JSON.stringify(value)}`);
  return number;
}

/** CPU milliseconds the gateway spent per answered request. */
function cpuMs(sample: Sample): number {
  return (sample.cpu * 10) / sample.rps;
}

function report(samples: readonly Sample[], variants: readonly string[], workloads: readonly WorkloadName[]): string {
  const lines = ['workload   variant           req/s  p50 ms  cpu %  waited %  CPU ms/req  subgraphs cpu %  load cpu %  machine CPU ms/req  others cpu %  (medians; current / variant)'];
  for (const workload of workloads) {
    const base = samples.filter((s) => s.workload === workload && s.variant === 'current');
    for (const variant of variants) {
      const group = samples.filter((s) => s.workload === workload && s.variant === variant);
      const rps = median(group.map((s) => s.rps));
      const ms = median(group.map(cpuMs));
      const vs = variant === 'current' ? '' : `  current/this: req/s x${fmt(median(base.map((s) => s.rps)) / rps, 2)}, CPU/req x${fmt(median(base.map(cpuMs)) / ms, 2)}`;
      lines.push(`${workload.padEnd(10)} ${variant.padEnd(16)} ${fmt(rps, 0).padStart(6)}  ${fmt(median(group.map((s) => s.p50)), 1).padStart(6)}  ${fmt(median(group.map((s) => s.cpu)), 0).padStart(5)}  ${fmt(median(group.map((s) => s.wait)), 0).padStart(8)}  ${fmt(ms, 2).padStart(10)}  ${fmt(median(group.map((s) => s.subgraphsCpu)), 0).padStart(15)}  ${fmt(median(group.map((s) => s.loadCpu)), 0).padStart(10)}  ${fmt(median(group.map((s) => (s.machineCpu * 10) / s.rps)), 2).padStart(18)}  ${fmt(median(group.map((s) => s.others)), 0).padStart(12)}${vs}`);
    }
  }
  return lines.join('\n');
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`ab: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = error instanceof TypeError ? 2 : 1;
}
