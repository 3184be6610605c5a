import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from '@jest/globals';

// `npm run bench -- --quick` end to end: it runs, exits 0 and writes every figure quick mode promises. It never
// asserts a speed (this machine runs other tests meanwhile); bench/README.md says how to read the numbers.

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'hub-bench-smoke-'));
const PEERS = ['apollo-gateway', 'hive-gateway', 'hive-gateway-router-runtime'];
const GATEWAYS = ['hub', 'hub-2-workers', ...PEERS, 'direct'];
const WORKLOADS = ['dashboard', 'partner', 'single'];
// The registers each workload reaches, so the direct runs call each of them.
const DIRECT: Record<string, string[]> = { dashboard: ['education', 'population', 'tax', 'vehicles'], partner: ['population', 'tax'], single: ['population'] };

afterAll(() => rmSync(out, { recursive: true, force: true }));

function runBench(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'bench', '--', '--quick', '--out', out], { cwd: root, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

describe('npm run bench -- --quick', () => {
  it('exits 0 and writes a complete quick.json and quick.svg', async () => {
    const { code, output } = await runBench();
    if (code !== 0) console.error(output.slice(-4000));
    expect(code).toBe(0);
    expect(output).toContain('Targets');

    const results = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8'));
    expect(results.machine).toEqual(expect.objectContaining({ cpus: expect.any(Number), node: process.version, mode: 'quick' }));
    expect(results.machine.loadavg_start).toHaveLength(3);
    expect(typeof results.machine.date).toBe('string');
    for (const gateway of GATEWAYS) {
      for (const workload of WORKLOADS) {
        const runs = results.runs.filter((run: any) => run.part === 'compare' && run.gateway === gateway && run.workload === workload);
        // The hub with two workers runs where the targets are judged: dashboard and partner.
        const expected = gateway === 'direct' ? DIRECT[workload]! : gateway === 'hub-2-workers' && workload === 'single' ? [] : [undefined];
        expect(runs.map((run: any) => run.subgraph).sort()).toEqual(expected);
        for (const run of runs) {
          for (const figure of ['rps', 'p50_ms', 'p99_ms', 'cpu_percent', 'rss_mb']) {
            expect({ gateway, workload, subgraph: run.subgraph, figure, value: run[figure] }).toEqual(
              expect.objectContaining({ value: expect.any(Number) }),
            );
            expect(run[figure]).toBeGreaterThan(0);
          }
          expect(run).toEqual(expect.objectContaining({ persons: 1000, round: 1, part: 'compare', database: 'sqlite', connections: 10 }));
          expect(run.p99_ms).toBeGreaterThanOrEqual(run.p50_ms);
          // Refused requests (a DPoP proof, a credential, a token gone wrong) are a bug, whatever the load.
          expect(run.non2xx).toBe(0);
        }
      }
    }
    // The dashboard once more at one connection (unloaded latency), on every gateway and each register it reaches.
    const latency = results.runs.filter((run: any) => run.part === 'latency');
    // And the floor: the dashboard's register calls all at once from the load generator, no gateway.
    expect(latency.filter((run: any) => run.gateway !== 'direct').map((run: any) => run.gateway).sort()).toEqual(['hub', ...PEERS, 'direct-parallel'].sort());
    expect(latency.find((run: any) => run.gateway === 'direct-parallel')).toEqual(expect.objectContaining({ mismatches: 0, errors: 0, requests: expect.any(Number) }));
    expect(latency.filter((run: any) => run.gateway === 'direct').map((run: any) => run.subgraph).sort()).toEqual(DIRECT.dashboard);
    for (const run of latency) {
      expect(run).toEqual(expect.objectContaining({ workload: 'dashboard', connections: 1, non2xx: 0 }));
      expect(run.p50_ms).toBeGreaterThan(0);
    }

    // Quick mode runs on SQLite only, and says so.
    expect(results.scale).toEqual(expect.objectContaining({ skipped: true, reason: expect.stringContaining('quick') }));
    expect(results.runs.filter((run: any) => run.part === 'scale')).toHaveLength(0);
    // Nor the consent database at national scale (PostgreSQL, a full run's part).
    expect(results.consent_scale).toEqual(expect.objectContaining({ skipped: true, reason: expect.stringContaining('quick') }));
    expect(results.runs.filter((run: any) => run.part === 'consent-scale')).toHaveLength(0);
    expect(output).toContain('Consent scale: skipped (quick mode');

    // Every ratio hub/peer and every target verdict (met, not met, or not measured: the scale one).
    // hub / each peer on every workload, and hub / hub-2-workers on dashboard and partner.
    expect(results.summary.ratios).toHaveLength(WORKLOADS.length * PEERS.length + 2);
    for (const ratio of results.summary.ratios) expect(ratio.rps).toBeGreaterThan(0);
    const targets = Object.fromEntries(results.summary.targets.map((t: any) => [t.id, t.met]));
    const rpsTargets = ['dashboard', 'partner'].flatMap((w) => [...PEERS.map((peer) => `rps-${w}-vs-${peer}`), `rps-${w}-2-workers-vs-1`]);
    for (const id of [...rpsTargets, 'p50-dashboard-vs-direct', 'p50-dashboard-floor', 'p50-dashboard-vs-direct-loaded']) {
      expect(typeof targets[id]).toBe('boolean');
    }
    expect(targets['p50-dashboard-scale']).toBeNull();
    expect(targets['p50-partner-consent-scale']).toBeNull();

    expect(existsSync(join(out, 'quick.svg'))).toBe(true);
    expect(readFileSync(join(out, 'quick.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<rect[\s\S]*<\/svg>\n$/);
  }, 240_000);
});
