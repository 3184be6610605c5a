import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { personaWith, startTestHub, type TestHub } from '../support/hub.js';

// `/metrics` on every service of a started hub (CONTRACT.md, operations issue): the names the dashboards and alert
// rules use are really exported, labels are bounded and name nobody, and only loopback or METRICS_ALLOW may read it.

const ME = /* GraphQL */ `query { me { personalIdentityCode firstNames taxAssessments { year earnedIncome } } }`;

let hub: TestHub;
let gatewayMetrics: string;
const citizen = personaWith('complete');
const limited = personaWith('vehicles');

beforeAll(async () => {
  hub = await startTestHub({ env: { RATE_LIMIT_CITIZEN_PER_MINUTE: '3' } });
  const token = await hub.token(citizen.personalIdentityCode);
  expect((await hub.query(token, ME)).status).toBe(200);
  // Only some scopes: the tax field comes back as an UNAUTHORIZED_FIELD_OR_TYPE error inside a 200.
  expect((await hub.query(await hub.token(citizen.personalIdentityCode, { scopes: ['population:name', 'population:identity'] }), ME)).status).toBe(200);
  expect((await hub.query('not-a-token', ME)).status).toBe(401);
  expect((await hub.query(null, ME)).status).toBe(401);
  const other = await hub.token(limited.personalIdentityCode);
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await hub.query(other, ME)).status);
  expect(statuses).toContain(429);
  gatewayMetrics = await scrape(new URL('/metrics', hub.gatewayUrl));
}, 60_000);
afterAll(async () => {
  await hub?.stop();
});

async function scrape(url: URL, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

/** Each sample line's labels as an object, for the metric `name`. */
function samples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const labels = Object.fromEntries([...(/\{(.*)\}/.exec(line)?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
      return { labels, value: Number(line.split(' ').at(-1)) };
    });
}

const value = (text: string, name: string, labels: Record<string, string>) =>
  samples(text, name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);

describe("the gateway's /metrics", () => {
  it('has request durations by route template and status, with the service named', () => {
    expect(value(gatewayMetrics, 'http_server_request_duration_seconds_count', { route: '/graphql', status: '200', method: 'POST', service: 'gateway' })).toBeGreaterThanOrEqual(2);
    expect(value(gatewayMetrics, 'http_server_request_duration_seconds_count', { route: '/graphql', status: '401' })).toBe(2);
    expect(value(gatewayMetrics, 'http_server_request_duration_seconds_bucket', { route: '/graphql', le: '+Inf' })).toBeGreaterThanOrEqual(5);
  });

  it('has subgraph calls by subgraph and outcome', () => {
    for (const subgraph of ['population', 'tax']) {
      expect(value(gatewayMetrics, 'http_client_request_duration_seconds_count', { subgraph, outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    }
  });

  it('has operations by client and operation name, refusals by code, field errors, rate limits and token failures', () => {
    expect(value(gatewayMetrics, 'hub_graphql_operations_total', { client: 'citizen-portal', operation: 'adhoc', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(value(gatewayMetrics, 'hub_graphql_operations_total', { client: 'citizen-portal', operation: 'adhoc', outcome: 'partial' })).toBe(1);
    expect(value(gatewayMetrics, 'hub_graphql_field_errors_total', { code: 'UNAUTHORIZED_FIELD_OR_TYPE' })).toBeGreaterThanOrEqual(1);
    expect(value(gatewayMetrics, 'hub_graphql_refusals_total', { code: 'UNAUTHENTICATED' })).toBe(2);
    expect(value(gatewayMetrics, 'hub_graphql_refusals_total', { code: 'RATE_LIMITED' })).toBeGreaterThanOrEqual(1);
    expect(value(gatewayMetrics, 'hub_rate_limit_refusals_total', { policy: 'citizen' })).toBeGreaterThanOrEqual(1);
    expect(value(gatewayMetrics, 'hub_token_verification_failures_total', { reason: 'missing' })).toBe(1);
    expect(value(gatewayMetrics, 'hub_token_verification_failures_total', { reason: 'malformed' })).toBe(1);
  });

  it("has the issuer keys' state, Node's process metrics and the reload counter", () => {
    expect(value(gatewayMetrics, 'hub_issuer_keys_stale', {})).toBe(0);
    expect(samples(gatewayMetrics, 'hub_issuer_keys_age_seconds')).toHaveLength(1);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(samples(gatewayMetrics, name).length).toBeGreaterThanOrEqual(1);
    }
    expect(gatewayMetrics).toContain('# TYPE hub_reload_total counter');
    expect(gatewayMetrics).toContain('# TYPE hub_store_duration_seconds histogram');
  });

  it('names no person: no identity code, no person id, no name in any label', async () => {
    for (const persona of [citizen, limited]) {
      expect(gatewayMetrics).not.toContain(persona.personalIdentityCode);
      expect(gatewayMetrics).not.toContain(await hub.personId(persona.personalIdentityCode));
      expect(gatewayMetrics).not.toContain(persona.lastName);
    }
    const labelNames = new Set([...gatewayMetrics.matchAll(/[{,](\w+)="/g)].map((m) => m[1]));
    expect([...labelNames].sort()).toEqual(
      expect.arrayContaining(['client', 'code', 'method', 'operation', 'outcome', 'policy', 'reason', 'route', 'service', 'status', 'subgraph']),
    );
    for (const name of labelNames) expect(['client', 'code', 'method', 'operation', 'outcome', 'policy', 'reason', 'route', 'service', 'status', 'subgraph', 'le', 'what', 'store', 'version', 'major', 'minor', 'patch', 'type', 'space', 'kind', 'quantile']).toContain(name);
  });
});

describe('every service answers /metrics with its own registry', () => {
  it('each subgraph and the authorization server', async () => {
    for (const [name, service] of Object.entries(hub.subgraphs)) {
      const text = await scrape(new URL('/metrics', service.url));
      // The query above reads the population and tax registers only.
      const calls = value(text, 'http_server_request_duration_seconds_count', { route: '/graphql', service: `${name}-subgraph` });
      if (name === 'population' || name === 'tax') expect(calls).toBeGreaterThanOrEqual(1);
      expect(text).toContain('# TYPE http_server_request_duration_seconds histogram');
      expect(text).not.toContain('http_client_request_duration_seconds');
      expect(samples(text, 'process_cpu_user_seconds_total')).toHaveLength(1);
    }
    const issuer = await scrape(new URL('/metrics', hub.env.ISSUER_URL));
    expect(issuer).toContain('service="authorization-server"');
  });

  it('refuses /metrics to a request that came through a proxy (the public ingress)', async () => {
    for (const header of [{ 'x-forwarded-for': '127.0.0.1' }, { forwarded: 'for=127.0.0.1' }] as Array<Record<string, string>>) {
      const response = await fetch(new URL('/metrics', hub.gatewayUrl), { headers: header });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('http_server');
    }
  });
});

/** Metric names in a PromQL expression: everything that is not a function, keyword, label name, string or number. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"[^"]*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const words = [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]);
  const PROMQL = new Set(['sum', 'min', 'max', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'or', 'and', 'unless', 'abs', 'clamp_min', 'absent']);
  return words.filter((word) => !PROMQL.has(word));
}

/** The metric family a sample name belongs to (a histogram's _bucket, _count and _sum are its own). */
const family = (name: string) => name.replace(/_(bucket|count|sum)$/, '');

describe('alert rules and dashboard use only metrics the services export', () => {
  let exported: Set<string>;
  beforeAll(async () => {
    const texts = [gatewayMetrics, await scrape(new URL('/metrics', hub.subgraphs.population!.url))];
    exported = new Set(texts.flatMap((text) => [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!)));
  });

  it('alert rules parse and each expression references exported metrics only', () => {
    const rules = parse(readFileSync(new URL('../../deploy/prometheus/alerts.yaml', import.meta.url), 'utf8'));
    const alerts = rules.groups.flatMap((group: { rules: Array<{ alert: string; expr: string }> }) => group.rules);
    expect(alerts.map((rule: { alert: string }) => rule.alert)).toEqual(
      expect.arrayContaining(['HubGatewayErrorRate', 'HubGatewayLatencyP99', 'HubSubgraphDown', 'HubIssuerKeysStale', 'HubDisclosureStoreFailing']),
    );
    for (const rule of alerts) {
      const names = metricNames(rule.expr);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect({ alert: rule.alert, metric: family(name), exported: exported.has(family(name)) }).toEqual({ alert: rule.alert, metric: family(name), exported: true });
    }
  });

  it('every dashboard panel queries exported metrics only', () => {
    const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/hub-dashboard.json', import.meta.url), 'utf8'));
    const targets = dashboard.panels.flatMap((panel: { targets?: Array<{ expr: string }> }) => panel.targets ?? []);
    expect(targets.length).toBeGreaterThanOrEqual(15);
    for (const target of targets) {
      const names = metricNames(target.expr.replaceAll('$__rate_interval', '5m'));
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) expect({ expr: target.expr, metric: family(name), exported: exported.has(family(name)) }).toEqual({ expr: target.expr, metric: family(name), exported: true });
    }
  });
});
