import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { DEV_PARTNER_KEY_FILES } from '../../consent/partners.js';
import { openConsentRecords } from '../../lib/consents/index.js';
import { personIdFor } from '../../lib/personId.js';
import { formAction, TestBrowser } from '../support/browser.js';
import { findHaproxy } from '../support/haproxy.js';
import { startBalancer, startSidecar, type Balancer } from '../support/hostBalancer.js';
import { spawnHubService, spawnInHost, waitFor200, type HostProcess } from '../support/hostProcess.js';
import { personaWith, personas } from '../support/hub.js';
import { canMakeNamespaces, createHostNetwork, ip, type HostNetwork } from '../support/netns.js';
import { canRunPrivatePostgres, startPrivatePostgres } from '../support/privatePostgres.js';
import { freePorts, sleep } from '../support/services.js';
import { Teardown } from '../support/teardown.js';

// The hub across hosts, on this machine (operations issue, item 7): every host a network namespace of its own on a
// private subnet, a database host with its own PostgreSQL, a registers host (the four register subgraphs and the
// authorization server), two gateway hosts, two portal hosts, and HAProxy balancing the gateways and the portals on
// their /readyz with retries. Under a steady citizen load (signed-in portal sessions) and partner load (a DPoP-bound
// demo-bank token): one gateway host's cable is pulled, then one portal host is stopped (SIGTERM, its drain), then the
// citizen revokes the partner's consent while the partner is served by the other gateway host. Run by
// `npm run test:hosts` (root; never inside `npm test`); see docs/operations.md, "Across hosts".

const HAPROXY = findHaproxy();
const missing = [
  HAPROXY ? undefined : 'no haproxy (apt-get install -y haproxy)',
  canMakeNamespaces().reason,
  canRunPrivatePostgres().reason,
].filter((reason): reason is string => reason !== undefined);
if (missing.length > 0) {
  if (process.env.CI === 'true') throw new Error(`the multi-host test cannot run with CI=true: ${missing.join('; ')}`);
  console.warn(`\n*** SKIPPED: the hub across hosts (${missing.join('; ')}) ***\n`);
}

// Ports inside the hosts: each namespace has its own, so the contract's defaults collide with nothing on this machine.
const PORTS = { gateway: 4000, population: 4001, tax: 4002, vehicles: 4003, education: 4004, requests: 4005, auth: 4100, portal: 4200, postgres: 5432 };
const REGISTERS = ['population', 'tax', 'vehicles', 'education'] as const;
const DRAIN_SECONDS = 3;
const BANK_PREFILL = JSON.parse(readFileSync(new URL('../../gateway/trusted-documents/demo-bank.json', import.meta.url), 'utf8')).operations[0] as { id: string; name: string };
const REVOKED_MESSAGE = 'The consent behind this access token is not active (revoked or expired)';
const REPLAYED_MESSAGE = 'The DPoP proof has already been used';
/** How long a gateway host may take to answer before the balancer sends the request to the other one. */
const GATEWAY_SERVER_TIMEOUT_MS = 6000;

const teardown = new Teardown();
let net: HostNetwork;
let balancer: Balancer;
const services: Record<string, HostProcess> = {};
let env: NodeJS.ProcessEnv;
let urls: { issuer: string; gateway: string; portal: string; consentDatabase: string };
let pseudonymKey: Buffer;

/** What one client request came to. */
interface Outcome {
  kind: 'citizen' | 'partner';
  sentAt: number;
  doneAt: number;
  status: number;
  servedBy: string;
  ok: boolean;
  requestId?: string;
  detail?: string;
}

(missing.length === 0 ? describe : describe.skip)('the hub across hosts (network namespaces, HAProxy, its own PostgreSQL)', () => {
  beforeAll(async () => {
    const started = Date.now();
    net = createHostNetwork({ db: 2, registers: 3, gwa: 11, gwb: 12, pa: 21, pb: 22 }, teardown);
    const { hosts } = net;
    const [issuerPort, gatewayFrontPort, portalFrontPort] = await freePorts(3);
    urls = {
      issuer: `http://127.0.0.1:${issuerPort}`,
      gateway: `http://127.0.0.1:${gatewayFrontPort}/graphql`,
      portal: `http://127.0.0.1:${portalFrontPort}`,
      consentDatabase: `postgres://postgres@${hosts.db!.address}:${PORTS.postgres}/consent`,
    };

    // Keys shared the way a deployment shares them: through the environment, the same for every process. Each host
    // gets an empty HUB_HOME of its own (hosts share no disk), so a key not passed would be generated apart on each
    // host and the hub would break: the test proves the environment carries all of them.
    const issuerKey = await generateKeyPair('ES256', { extractable: true });
    const internalKey = await generateKeyPair('EdDSA', { extractable: true, crv: 'Ed25519' });
    const issuerJwk = { ...(await exportJWK(issuerKey.privateKey)), kid: randomBytes(8).toString('hex'), alg: 'ES256' };
    const internalJwk = { ...(await exportJWK(internalKey.privateKey)), kid: randomBytes(8).toString('hex'), alg: 'EdDSA' };
    const { d: _private, ...internalPublicJwk } = internalJwk;
    const portalSigningKey = await generateKeyPair('ES256', { extractable: true });
    const portalSigningJwk = { ...(await exportJWK(portalSigningKey.privateKey)), kid: randomBytes(8).toString('hex'), alg: 'ES256' };
    pseudonymKey = randomBytes(32);
    const secret = () => randomBytes(32).toString('base64url');

    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/DATABASE_URL$|_URL$|_PORT$|^HUB_|_JWK$|_KEY$|_SECRET$/.test(name)));
    const dbUrl = (name: string) => `postgres://postgres@${hosts.db!.address}:${PORTS.postgres}/${name}`;
    env = {
      ...inherited,
      HUB_MODE: 'dev',
      LOG_LEVEL: 'warn',
      APOLLO_TELEMETRY_DISABLED: '1',
      ISSUER_PRIVATE_JWK: JSON.stringify(issuerJwk),
      GATEWAY_INTERNAL_PRIVATE_JWK: JSON.stringify(internalJwk),
      GATEWAY_INTERNAL_PUBLIC_JWK: JSON.stringify(internalPublicJwk),
      HUB_PSEUDONYM_KEY: pseudonymKey.toString('base64url'),
      HUB_PAIRWISE_KEY: secret(),
      AUTH_COOKIE_KEY: secret(),
      PORTAL_SESSION_SECRET: secret(),
      // One signing key for the citizen's signed download, whichever portal host makes it.
      PORTAL_SIGNING_JWK: JSON.stringify(portalSigningJwk),
      // One issuer identifier and one gateway resource for everyone: the addresses the citizen's browser and the
      // partner use (the balancer, on this machine's loopback; each host reaches them through its sidecar).
      ISSUER_URL: urls.issuer,
      GATEWAY_AUDIENCE: urls.gateway,
      GATEWAY_PUBLIC_URL: urls.gateway,
      GATEWAY_URL: urls.gateway,
      PORTAL_URL: urls.portal,
      CONSENT_DATABASE_URL: urls.consentDatabase,
      PORTAL_DATABASE_URL: dbUrl('portal'),
      ...Object.fromEntries(REGISTERS.map((register) => [`${register.toUpperCase()}_DATABASE_URL`, dbUrl(register)])),
      ...Object.fromEntries(REGISTERS.map((register) => [`${register.toUpperCase()}_URL`, `http://${hosts.registers!.address}:${PORTS[register]}/graphql`])),
      CONSENT_URL: `http://${hosts.registers!.address}:${PORTS.auth}/graphql`,
      // The hub's requests subgraph runs beside the registers (the gateways' /readyz waits for it too).
      REQUESTS_URL: `http://${hosts.registers!.address}:${PORTS.requests}/graphql`,
      REQUESTS_DATABASE_URL: dbUrl('requests'),
      REQUESTS_PORT: String(PORTS.requests),
      AUTH_PORT: String(PORTS.auth),
      GATEWAY_PORT: String(PORTS.gateway),
      PORTAL_PORT: String(PORTS.portal),
      ...Object.fromEntries(REGISTERS.map((register) => [`${register.toUpperCase()}_PORT`, String(PORTS[register])])),
      HUB_SEED_PERSONS: '20',
      SHUTDOWN_DRAIN_SECONDS: String(DRAIN_SECONDS),
      RATE_LIMIT_PARTNER_PER_MINUTE: '1000000',
      RATE_LIMIT_CITIZEN_PER_MINUTE: '1000000',
    };
    const emptyHome = (name: string) => {
      const home = mkdtempSync(join(tmpdir(), `hub-hosts-${name}-`));
      teardown.add({ name: `hub home of ${name}`, kind: 'remove', path: home });
      return home;
    };
    const hostEnv = (host: string): NodeJS.ProcessEnv => ({ ...env, HUB_HOST: hosts[host]!.address, HUB_HOME: emptyHome(host) });

    // Sidecars: the gateway hosts reach the issuer, the portal hosts the issuer and the balanced gateways.
    const issuerTarget = `${hosts.registers!.address}:${PORTS.auth}`;
    for (const host of ['gwa', 'gwb']) startSidecar(teardown, HAPROXY!, hosts[host]!.namespace, `sidecar-${host}`, { [issuerPort!]: issuerTarget });
    for (const host of ['pa', 'pb']) {
      startSidecar(teardown, HAPROXY!, hosts[host]!.namespace, `sidecar-${host}`, { [issuerPort!]: issuerTarget, [gatewayFrontPort!]: `${net.gatewayAddress}:${gatewayFrontPort}` });
    }

    // The database host, and the migration Job (`npm run migrate`) before any service starts.
    const postgres = await startPrivatePostgres(teardown, { namespace: hosts.db!.namespace, address: hosts.db!.address, subnet: `${net.prefix}.0/24`, port: PORTS.postgres });
    services.postgres = postgres.process;
    await postgres.createDatabases(['consent', 'portal', 'requests', ...REGISTERS]);
    const migrate = spawnInHost(teardown, null, 'migrate', [process.execPath, '--import', 'tsx', 'scripts/migrate.ts'], { ...env, HUB_HOME: emptyHome('migrate') });
    await within(migrate.exited, 90_000);
    if (migrate.exitCode !== 0) throw new Error(`npm run migrate failed (${migrate.exitCode}):\n${migrate.output}`);

    // The registers host: the authorization server, the four register subgraphs and the requests subgraph.
    const registersEnv = hostEnv('registers');
    const registersHost = hosts.registers!;
    services.auth = spawnHubService(teardown, registersHost.namespace, 'auth', 'consent/main.ts', registersEnv);
    for (const register of REGISTERS) services[register] = spawnHubService(teardown, registersHost.namespace, register, `subgraphs/${register}/main.ts`, registersEnv);
    services.requests = spawnHubService(teardown, registersHost.namespace, 'requests', 'requests/main.ts', registersEnv);
    await Promise.all([
      waitFor200(`http://${registersHost.address}:${PORTS.requests}/readyz`, services.requests, 120_000),
      waitFor200(`http://${registersHost.address}:${PORTS.auth}/readyz`, services.auth, 120_000),
      ...REGISTERS.map((register) => waitFor200(`http://${registersHost.address}:${PORTS[register]}/readyz`, services[register], 120_000)),
    ]);

    // The gateway hosts, then the balancer, then the portal hosts (one after the other: the first creates the
    // sessions table).
    // One gateway process per host: the hosts are what this test cuts and stops, and eleven services share 2 cores.
    for (const host of ['gwa', 'gwb']) services[host] = spawnHubService(teardown, hosts[host]!.namespace, host, 'gateway/main.ts', { ...hostEnv(host), GATEWAY_WORKERS: '1' });
    await Promise.all(['gwa', 'gwb'].map((host) => waitFor200(`http://${hosts[host]!.address}:${PORTS.gateway}/readyz`, services[host], 120_000)));
    balancer = startBalancer(teardown, HAPROXY!, [
      { name: 'gateways', binds: [`127.0.0.1:${gatewayFrontPort}`, `${net.gatewayAddress}:${gatewayFrontPort}`], servers: { gwa: `${hosts.gwa!.address}:${PORTS.gateway}`, gwb: `${hosts.gwb!.address}:${PORTS.gateway}` }, serverTimeoutMs: GATEWAY_SERVER_TIMEOUT_MS },
      { name: 'portals', binds: [`127.0.0.1:${portalFrontPort}`], servers: { pa: `${hosts.pa!.address}:${PORTS.portal}`, pb: `${hosts.pb!.address}:${PORTS.portal}` }, serverTimeoutMs: 20_000 },
      { name: 'issuer', binds: [`127.0.0.1:${issuerPort}`], servers: { auth: issuerTarget }, serverTimeoutMs: 20_000 },
    ]);
    services.balancer = balancer.process;
    for (const host of ['pa', 'pb']) {
      services[host] = spawnHubService(teardown, hosts[host]!.namespace, host, 'portal/main.ts', hostEnv(host));
      await waitFor200(`http://${hosts[host]!.address}:${PORTS.portal}/readyz`, services[host], 120_000);
    }
    await waitUntil('the balancer sees every server up', 30_000, async () => {
      const down = (await balancer.stats()).filter((row) => row.svname !== 'FRONTEND' && row.svname !== 'BACKEND' && !row.status?.startsWith('UP'));
      return down.length === 0;
    });
    console.log(`across hosts: ${Object.keys(hosts).length} hosts on ${net.prefix}.0/24 ready in ${Math.round((Date.now() - started) / 1000)} s`);
  }, 180_000);

  afterAll(() => {
    const failures = teardown.run();
    expect(failures).toEqual([]);
    // Nothing left behind: no namespace of this run.
    if (net) expect(ip('netns', 'list').split('\n').filter((line) => line.startsWith(net.id))).toEqual([]);
  });

  it('loses no request while a gateway host is cut off and a portal host stops, and a revocation holds on every host', async () => {
    const { hosts } = net;
    const outcomes: Outcome[] = [];
    const deadline = Date.now() + 120_000; // every loop below is bounded by this too
    let running = true;

    // The partner: demo-bank's DPoP-bound token (npm run token stores the consent as if the citizen had approved it).
    const partnerPersona = personaWith('complete');
    const partnerToken = await runToken(['--persona', partnerPersona.personalIdentityCode, '--client', 'demo-bank', '--ttl', '900']);
    const consentId = String(decodeJwt(partnerToken).consent_id);
    const partnerKey = JSON.parse(readFileSync(DEV_PARTNER_KEY_FILES['demo-bank']!, 'utf8')) as JWK;
    const proof = await proofMaker(partnerKey, partnerToken, urls.gateway);
    const partnerCall = async (url: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `DPoP ${partnerToken}`, dpop: await proof() },
        body: JSON.stringify({ documentId: `sha256:${BANK_PREFILL.id}` }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json().catch(() => null)) as any;
      return { response, body };
    };
    // Reached directly, each gateway host serves the partner before the revocation: the 401s below can only come
    // from the revocation, not from a proof or an address a host would refuse anyway.
    for (const host of ['gwa', 'gwb']) {
      const { response, body } = await partnerCall(`http://${hosts[host]!.address}:${PORTS.gateway}/graphql`);
      expect({ host, status: response.status, firstNames: body?.data?.me?.firstNames }).toEqual({ host, status: 200, firstNames: partnerPersona.firstNames });
    }

    // Citizens: signed in once each through the balanced portal, never again.
    const citizenPersonas = [partnerPersona, ...personas.filter((p) => p.tags.includes('complete') && p !== partnerPersona)].slice(0, 3);
    while (citizenPersonas.length < 3) citizenPersonas.push(partnerPersona);
    const citizens = await Promise.all(citizenPersonas.map(async (persona) => {
      const citizen = new Citizen(urls.portal, urls.issuer);
      await citizen.signIn(persona.personalIdentityCode);
      return { citizen, persona, servedBy: new Set<string>() };
    }));

    const citizenWorker = async (index: number) => {
      const { citizen, persona, servedBy } = citizens[index]!;
      while (running && Date.now() < deadline) {
        const sentAt = Date.now();
        try {
          const response = await citizen.request('/', { signal: AbortSignal.timeout(30_000) });
          const html = await response.text();
          const servedByHost = response.headers.get('x-served-by') ?? '?';
          const states = [...html.matchAll(/data-register="(\w+)" data-state="(\w+)"/g)].map((match) => `${match[1]}:${match[2]}`);
          // Signed in: the citizen's own page, every register with data (each read through the balanced gateways).
          const ok = response.status === 200 && html.includes(persona.firstNames) && states.length === 4 && states.every((state) => state.endsWith(':data'));
          if (ok) servedBy.add(servedByHost);
          outcomes.push({ kind: 'citizen', sentAt, doneAt: Date.now(), status: response.status, servedBy: servedByHost, ok, detail: ok ? undefined : `${states.join(' ')} ${html.includes('id="sign-in"') ? 'SIGNED OUT' : ''} ${html.slice(0, 200)}` });
        } catch (error) {
          outcomes.push({ kind: 'citizen', sentAt, doneAt: Date.now(), status: 0, servedBy: '?', ok: false, detail: String((error as Error).cause ?? error) });
        }
        await sleep(150);
      }
    };
    let revokedAt = Number.POSITIVE_INFINITY; // when the revocation's response arrived
    let revokeSentAt = Number.POSITIVE_INFINITY;
    // A DPoP proof is single-use (RFC 9449, section 11.1), and the replay cache is the shared consent database: when
    // the balancer re-sends a request that had reached host A before its cable was pulled (no response in time), host
    // B rightly refuses the same proof again. A balancer cannot retry that; the partner does, with a fresh proof, as
    // a DPoP client must. Each such refusal is counted and checked to be exactly that (a retry after the timeout).
    const replays: Array<{ sentAt: number; doneAt: number; servedBy: string }> = [];
    const partnerWorker = async () => {
      while (running && Date.now() < deadline) {
        const sentAt = Date.now();
        try {
          let { response, body } = await partnerCall(urls.gateway);
          if (response.status === 401 && body?.errors?.[0]?.message === REPLAYED_MESSAGE) {
            replays.push({ sentAt, doneAt: Date.now(), servedBy: response.headers.get('x-served-by') ?? '?' });
            ({ response, body } = await partnerCall(urls.gateway));
          }
          const servedBy = response.headers.get('x-served-by') ?? '?';
          const requestId = response.headers.get('x-request-id') ?? undefined;
          const delivered = response.status === 200 && body?.data?.me?.firstNames === partnerPersona.firstNames && !body.errors;
          const refused = response.status === 401 && body?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED' && body.errors[0].message === REVOKED_MESSAGE;
          // Before the revocation was asked for: data. Sent after it was answered: refused. In between: either.
          const ok = sentAt > revokedAt ? refused : sentAt < revokeSentAt ? delivered : delivered || refused;
          outcomes.push({ kind: 'partner', sentAt, doneAt: Date.now(), status: response.status, servedBy, ok, requestId: delivered ? requestId : undefined, detail: ok ? undefined : JSON.stringify(body).slice(0, 300) });
        } catch (error) {
          outcomes.push({ kind: 'partner', sentAt, doneAt: Date.now(), status: 0, servedBy: '?', ok: false, detail: String((error as Error).cause ?? error) });
        }
        await sleep(100);
      }
    };
    const load = Promise.all([...citizens.map((_, i) => citizenWorker(i)), partnerWorker(), partnerWorker()]);
    const stats = async () => Object.fromEntries((await balancer.stats()).map((row) => [`${row.pxname}/${row.svname}`, row]));
    const marks: Record<string, number> = {};
    try {
      await sleep(5000);
      // Both gateway hosts and both portal hosts serve, and each citizen's one session on both portal hosts.
      const before = outcomes.filter((o) => o.ok);
      expect(new Set(before.filter((o) => o.kind === 'partner').map((o) => o.servedBy))).toEqual(new Set(['gwa', 'gwb']));
      expect(new Set(before.filter((o) => o.kind === 'citizen').map((o) => o.servedBy))).toEqual(new Set(['pa', 'pb']));

      // (1) Pull gateway host A's cable: its processes run on, nothing reaches it.
      marks.cut = Date.now();
      net.cut('gwa');
      await waitUntil('the balancer takes gwa out', 20_000, async () => (await stats())['gateways/gwa']?.status?.startsWith('DOWN') ?? false);
      marks.gwaDown = Date.now();
      await sleep(4000);

      // (2) Stop portal host A: SIGTERM, it drains (fails /readyz, serves on with Connection: close), then exits 0.
      marks.portalStop = Date.now();
      process.kill(services.pa!.pid, 'SIGTERM');
      await within(services.pa!.exited, 30_000);
      marks.portalExited = Date.now();
      expect({ exitCode: services.pa!.exitCode, output: services.pa!.exitCode === 0 ? '' : services.pa!.output.slice(-3000) }).toEqual({ exitCode: 0, output: '' });
      await sleep(3000);

      // (3) The citizen revokes the partner's consent on the portal (now host B), while gateway host B alone serves
      // the partner.
      const lastPartner = outcomes.filter((o) => o.kind === 'partner' && o.sentAt > marks.gwaDown!);
      expect(lastPartner.length).toBeGreaterThan(0);
      expect(new Set(lastPartner.map((o) => o.servedBy))).toEqual(new Set(['gwb']));
      revokeSentAt = Date.now();
      const revoker = citizens[0]!.citizen;
      const confirm = await revoker.request(`/consents/${consentId}/revoke`);
      const csrf = /<input type="hidden" name="csrf" value="([^"]+)">/.exec(await confirm.text())?.[1];
      expect(csrf).toBeDefined();
      const revoked = await revoker.request(`/consents/${consentId}/revoke`, { method: 'POST', form: [['csrf', csrf!]], headers: { origin: urls.portal } });
      await revoked.arrayBuffer();
      expect(revoked.status).toBe(303);
      revokedAt = Date.now();
      // At the next request, on every host: gateway host B directly, and through the balancer.
      const direct = await partnerCall(`http://${hosts.gwb!.address}:${PORTS.gateway}/graphql`);
      expect({ status: direct.response.status, message: direct.body?.errors?.[0]?.message }).toEqual({ status: 401, message: REVOKED_MESSAGE });
      await sleep(3000);

      // Gateway host A comes back: at its next request it refuses too, reached directly and through the balancer.
      marks.heal = Date.now();
      net.heal('gwa');
      await waitUntil('the balancer takes gwa back', 20_000, async () => (await stats())['gateways/gwa']?.status?.startsWith('UP') ?? false);
      for (const host of ['gwa', 'gwb']) {
        const { response, body } = await partnerCall(`http://${hosts[host]!.address}:${PORTS.gateway}/graphql`);
        expect({ host, status: response.status, code: body?.errors?.[0]?.extensions?.code, message: body?.errors?.[0]?.message, www: response.headers.has('www-authenticate') }).toEqual({ host, status: 401, code: 'UNAUTHENTICATED', message: REVOKED_MESSAGE, www: true });
      }
      await sleep(2000);
    } finally {
      running = false;
      await load;
    }

    // The figures.
    const end = await stats();
    const failures = outcomes.filter((o) => !o.ok);
    const citizenOutcomes = outcomes.filter((o) => o.kind === 'citizen');
    const partnerOutcomes = outcomes.filter((o) => o.kind === 'partner');
    const delivered = partnerOutcomes.filter((o) => o.requestId !== undefined).map((o) => o.requestId!);
    const records = await openConsentRecords(urls.consentDatabase);
    let recorded: Set<string>;
    let partnerRecords = 0;
    try {
      recorded = new Set<string>();
      let beforeSeq: number | undefined;
      for (let page = 0; page < 100; page += 1) {
        const list = await records.disclosures.list(personIdFor(partnerPersona.personalIdentityCode, pseudonymKey), { limit: 500, beforeSeq });
        for (const record of list) {
          if (record.consentId !== consentId) continue;
          recorded.add(record.requestId);
          partnerRecords += 1;
        }
        if (list.length < 500) break;
        beforeSeq = list[list.length - 1]!.seq;
      }
    } finally {
      await records.close();
    }
    const missingRecords = delivered.filter((id) => !recorded.has(id));
    const backend = (name: string) => end[`${name}/BACKEND`] ?? {};
    const count = (values: Outcome[], key: 'servedBy') => JSON.stringify(values.reduce<Record<string, number>>((acc, o) => ({ ...acc, [o[key]]: (acc[o[key]] ?? 0) + 1 }), {}));
    console.log([
      'across hosts: figures',
      `  requests: ${outcomes.length} (citizen pages ${citizenOutcomes.length}, served by ${count(citizenOutcomes, 'servedBy')}; partner ${partnerOutcomes.length}, served by ${count(partnerOutcomes, 'servedBy')})`,
      `  partner: ${delivered.length} delivered with data, ${partnerOutcomes.filter((o) => o.status === 401).length} refused after the revocation`,
      `  balancer, per server (retries, redispatches to the other, connection errors, response errors, times marked down by its checks, start-up included): ${['gateways/gwa', 'gateways/gwb', 'portals/pa', 'portals/pb'].map((key) => `${key.split('/')[1]} ${end[key]?.wretr}/${end[key]?.wredis}/${end[key]?.econ}/${end[key]?.eresp}/${end[key]?.chkdown}`).join(', ')}`,
      `  balancer, per backend: gateways ${backend('gateways').wretr} retries, ${backend('gateways').wredis} redispatches; portals ${backend('portals').wretr} retries, ${backend('portals').wredis} redispatches`,
      `  client-side failures: ${failures.length}; partner requests the balancer re-sent after host A went silent, refused by B as DPoP replays and re-sent by the partner with a fresh proof: ${replays.length}${replays.length ? ` (after ${replays.map((r) => `${r.doneAt - r.sentAt} ms`).join(', ')})` : ''}`,
      `  disclosures on record under the consent: ${partnerRecords}; delivered responses with their record: ${delivered.length - missingRecords.length} of ${delivered.length}`,
      `  timeline (ms from the cut): gwa out ${marks.gwaDown! - marks.cut!}, portal host A SIGTERM ${marks.portalStop! - marks.cut!}, exited ${marks.portalExited! - marks.cut!}, revoked ${revokedAt - marks.cut!}, gwa healed ${marks.heal! - marks.cut!}`,
    ].join('\n'));

    expect(failures.slice(0, 5)).toEqual([]);
    // A replay refusal only ever follows the balancer's re-send after the response timeout, from host B.
    for (const replay of replays) expect({ servedBy: replay.servedBy, waited: replay.doneAt - replay.sentAt >= GATEWAY_SERVER_TIMEOUT_MS - 50 }).toEqual({ servedBy: 'gwb', waited: true });
    // The cable was pulled under load: requests sent to gateway host A were retried on B by the balancer.
    expect(Number(backend('gateways').wretr) + Number(backend('gateways').wredis)).toBeGreaterThan(0);
    expect(missingRecords).toEqual([]);
    // Every record under the consent is a delivered response or one a retry made redundant (sent, not delivered).
    expect(partnerRecords).toBeGreaterThanOrEqual(delivered.length);
    expect(delivered.length).toBeGreaterThan(10);
    // The citizens stayed signed in across portal hosts: each one's single session served by both, and by B after A left.
    for (const { servedBy } of citizens) expect([...servedBy].sort()).toEqual(['pa', 'pb']);
    const afterPortalStop = citizenOutcomes.filter((o) => o.sentAt > marks.portalExited!);
    expect(afterPortalStop.length).toBeGreaterThan(0);
    expect(afterPortalStop.every((o) => o.ok && o.servedBy === 'pb')).toBe(true);
    // The partner after the revocation: refused, by both gateway hosts once A was back.
    const afterRevocation = partnerOutcomes.filter((o) => o.sentAt > revokedAt);
    expect(afterRevocation.length).toBeGreaterThan(0);
    expect(afterRevocation.every((o) => o.status === 401)).toBe(true);
  }, 150_000);
});

/** A citizen's browser: cookies per origin, the portal through the balancer, the issuer's pages through TestBrowser. */
class Citizen {
  readonly #jar = new Map<string, string>();
  readonly #issuer: TestBrowser;
  constructor(readonly portalUrl: string, readonly issuerUrl: string) {
    this.#issuer = new TestBrowser({ stopAt: [portalUrl] });
  }

  /** One request to the portal, no redirect followed. */
  async request(path: string, init: { method?: string; form?: Array<[string, string]>; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { 'accept-language': 'en', ...init.headers };
    if (this.#jar.size > 0) headers.cookie = [...this.#jar].map(([name, value]) => `${name}=${value}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(new URL(path, this.portalUrl), { method: init.method ?? 'GET', headers, body, redirect: 'manual', signal: init.signal ?? AbortSignal.timeout(30_000) });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /max-age=0/i.test(line)) this.#jar.delete(name);
      else this.#jar.set(name, value);
    }
    return response;
  }

  /** /login through the portal, the test login at the issuer, back to the portal's /callback. */
  async signIn(personalIdentityCode: string): Promise<void> {
    const login = await this.request('/login');
    await login.arrayBuffer();
    const authorize = login.headers.get('location');
    if (login.status !== 303 || !authorize?.startsWith(this.issuerUrl)) throw new Error(`/login answered ${login.status} to ${authorize}`);
    const page = await this.#issuer.get(authorize);
    if (page.stopped || !page.html.includes('id="login"')) throw new Error(`no login form at ${page.url.pathname} (${page.status})`);
    const callback = await this.#issuer.submit(formAction(page, 'login'), [['persona', personalIdentityCode]]);
    if (!callback.stopped || callback.url.pathname !== '/callback') throw new Error(`the sign-in stopped at ${callback.url.pathname}`);
    const done = await this.request(callback.url.pathname + callback.url.search);
    await done.arrayBuffer();
    if (done.status !== 303) throw new Error(`/callback answered ${done.status}`);
  }
}

/** `npm run token -- <args>` in this machine's namespace with the hub's environment and keys: the token it prints. */
async function runToken(args: string[]): Promise<string> {
  const home = mkdtempSync(join(tmpdir(), 'hub-hosts-token-'));
  try {
    const proc = spawnInHost(teardown, null, 'token', [process.execPath, '--import', 'tsx', 'scripts/token.ts', ...args], { ...env, HUB_HOME: home });
    await within(proc.exited, 60_000);
    const token = proc.output.trim().split('\n').pop() ?? '';
    if (proc.exitCode !== 0 || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new Error(`npm run token failed (${proc.exitCode}): ${proc.output}`);
    return token;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** DPoP proofs (RFC 9449) for one token and URL, made with the key the token is bound to. */
async function proofMaker(privateJwk: JWK, accessToken: string, htu: string): Promise<() => Promise<string>> {
  const key = await importJWK(privateJwk, 'ES256');
  const { d: _private, ...publicJwk } = privateJwk;
  const ath = createHash('sha256').update(accessToken, 'ascii').digest('base64url');
  return () =>
    new SignJWT({ htm: 'POST', htu, ath, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: { kty: publicJwk.kty!, crv: publicJwk.crv!, x: publicJwk.x!, y: publicJwk.y! } })
      .setIssuedAt()
      .sign(key);
}

/** Waits for `promise`, or `ms` at most, on a timer that keeps nobody alive (Jest exits when the test is done). */
function within(promise: Promise<unknown>, ms: number): Promise<unknown> {
  return Promise.race([promise, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
}

/** Polls `check` every 250 ms until it is true; fails after `timeoutMs`. */
async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
}
