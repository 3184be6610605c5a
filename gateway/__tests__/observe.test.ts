import { describe, expect, it } from '@jest/globals';
import { errors as joseErrors } from 'jose';
import { Registry } from 'prom-client';
import { HubError } from '../../lib/errors.js';
import { createGatewayMetrics } from '../metrics.js';
import { countOperation, countRefusals, observeStore, observeSubgraphTransport, tokenFailureReason } from '../observe.js';
import { SubgraphCallFailed } from '../subgraphTransport.js';

const metricsOf = () => {
  const registry = new Registry();
  return { registry, metrics: createGatewayMetrics(registry, { issuerKeys: async () => ({ state: 'fixed', ageSeconds: null }) }) };
};
const count = async (registry: Registry, name: string, labels: Record<string, string>) => {
  const metric = await registry.getSingleMetric(name)!.get();
  return metric.values.filter((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l)).reduce((sum, v) => sum + v.value, 0);
};

describe('tokenFailureReason', () => {
  it('names jose failures by their code and claim', () => {
    const unauthenticated = (cause: unknown) => new HubError('UNAUTHENTICATED', 'x', { cause });
    expect(tokenFailureReason(unauthenticated(new joseErrors.JWTExpired('expired', {})))).toBe('expired');
    expect(tokenFailureReason(unauthenticated(new joseErrors.JWTClaimValidationFailed('bad aud', {}, 'aud')))).toBe('claim_aud');
    expect(tokenFailureReason(unauthenticated(new joseErrors.JWTClaimValidationFailed('bad', {}, 'somebody@example.org')))).toBe('claims');
    expect(tokenFailureReason(unauthenticated(new joseErrors.JWSSignatureVerificationFailed()))).toBe('signature');
    expect(tokenFailureReason(unauthenticated(new joseErrors.JWSInvalid()))).toBe('malformed');
  });

  it("names the gateway's own refusals; anything else is no token failure", () => {
    expect(tokenFailureReason(new HubError('UNAUTHENTICATED', 'An access token is required'))).toBe('missing');
    expect(tokenFailureReason(new HubError('UNAUTHENTICATED', 'The consent behind this access token is not active (revoked or expired)'))).toBe('consent_inactive');
    expect(tokenFailureReason(new HubError('ISSUER_UNAVAILABLE', 'x'))).toBe('issuer_keys_stale');
    expect(tokenFailureReason(new HubError('UNAUTHENTICATED', 'something new'))).toBe('other');
    expect(tokenFailureReason(new HubError('RATE_LIMITED', 'x'))).toBeUndefined();
    expect(tokenFailureReason(new Error('x'))).toBeUndefined();
  });
});

describe('observeStore', () => {
  it('times every call by store, operation and outcome, and passes results and errors through', async () => {
    const { registry, metrics } = metricsOf();
    const store = observeStore({ async find(id: string) { return `found ${id}`; }, async fail() { throw new Error('down'); } }, 'consent', metrics);
    await expect(store.find('a')).resolves.toBe('found a');
    await expect(store.fail()).rejects.toThrow('down');
    expect(await count(registry, 'hub_store_duration_seconds', { store: 'consent', operation: 'find', outcome: 'ok', le: '+Inf' })).toBe(1);
    expect(await count(registry, 'hub_store_duration_seconds', { store: 'consent', operation: 'fail', outcome: 'error', le: '+Inf' })).toBe(1);
  });
});

describe('observeSubgraphTransport', () => {
  it('counts outcomes by subgraph: ok, HTTP errors and transport failures', async () => {
    const { registry, metrics } = metricsOf();
    const answers = [{ status: 200, body: '{}' }, { status: 502, body: '' }, new SubgraphCallFailed('TIMEOUT')];
    const sent: Array<Record<string, string>> = [];
    const transport = observeSubgraphTransport({
      async post(_url, _body, headers) {
        sent.push({ ...headers });
        const answer = answers.shift()!;
        if (answer instanceof Error) throw answer;
        return answer;
      },
      close() {},
    }, 'tax', metrics);
    const url = new URL('http://127.0.0.1:1/graphql');
    await transport.post(url, '{}', { authorization: 'Bearer x' }, 100);
    await transport.post(url, '{}', {}, 100);
    await expect(transport.post(url, '{}', {}, 100)).rejects.toThrow(SubgraphCallFailed);
    for (const outcome of ['ok', 'http_error', 'timeout']) {
      expect(await count(registry, 'http_client_request_duration_seconds', { subgraph: 'tax', outcome, le: '+Inf' })).toBe(1);
    }
    expect(sent[0]!.authorization).toBe('Bearer x');
  });
});

describe('countRefusals and countOperation', () => {
  it('counts a refusal by code and a rate-limit refusal by policy, and rethrows', async () => {
    const { registry, metrics } = metricsOf();
    const refused = new HubError('RATE_LIMITED', 'x', { headers: { 'ratelimit-policy': '"partner-citizen";q=5;w=60' } });
    const handler = countRefusals(async () => {
      throw refused;
    }, metrics);
    await expect(handler({} as never, {} as never, {} as never)).rejects.toBe(refused);
    expect(await count(registry, 'hub_graphql_refusals_total', { code: 'RATE_LIMITED' })).toBe(1);
    expect(await count(registry, 'hub_rate_limit_refusals_total', { policy: 'partner-citizen' })).toBe(1);
  });

  it('counts operations by registered name or adhoc, and each error by a bounded code', async () => {
    const { registry, metrics } = metricsOf();
    countOperation(metrics, 'demo-bank', 'Prefill', { data: {} });
    countOperation(metrics, 'citizen-portal', undefined, { data: {}, errors: [{ message: 'x', extensions: { code: 'UNAUTHORIZED_FIELD_OR_TYPE' } }, { message: 'y', extensions: { code: 'lower case 131052-308T' } }] });
    expect(await count(registry, 'hub_graphql_operations_total', { client: 'demo-bank', operation: 'Prefill', outcome: 'ok' })).toBe(1);
    expect(await count(registry, 'hub_graphql_operations_total', { client: 'citizen-portal', operation: 'adhoc', outcome: 'partial' })).toBe(1);
    expect(await count(registry, 'hub_graphql_field_errors_total', { code: 'OTHER' })).toBe(1);
    expect(JSON.stringify(await registry.getMetricsAsJSON())).not.toContain('131052');
  });
});
