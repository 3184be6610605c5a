import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair } from 'jose';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { readConsentServerConfig } from '../../consent/config.js';
import { ISSUER_KEY_SOURCE } from '../../consent/issuerKeys.js';
import { readGatewayConfig } from '../../gateway/config.js';
import { DEFAULT_PORTS, readConsentDatabaseUrl, readConsoleUrl, readPort, readRegisterDatabaseUrl, readServiceDatabaseUrl, readSubgraphPort, REGISTERS, type Register } from '../../lib/config.js';
import { loadPublicKey, loadSecret, loadSigningKey } from '../../lib/keys.js';
import { PSEUDONYM_KEY_VARIABLE } from '../../lib/personId.js';
import { readShutdownDrainSeconds } from '../../lib/process.js';
import { readMetricsAccess } from '../../lib/telemetry/metricsAccess.js';
import { otlpTracesUrl } from '../../lib/telemetry/tracing.js';
import { INTERNAL_KEY_SOURCE } from '../../lib/tokens/internalCredential.js';
import { readPortalConfig } from '../../portal/config.js';
import { routeName as portalRoute } from '../../portal/router.js';
import { routeName as consoleRoute } from '../../console/router.js';
import { readConsoleConfig } from '../../console/config.js';
import { readRequestsConfig } from '../../requests/config.js';
import { KUBERNETES_DIR, podSpec, renderKustomization, type K8sObject } from '../support/kustomize.js';

// deploy/kubernetes, validated offline (operations issue): every object against the Kubernetes API schemas
// (kubernetes-models), and against the code: each service's production configuration, read by the service's own
// readers from the environment the manifest gives it, starts; ports, probes and paths are the ones the code serves.

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/** Each hub service: its Deployment name, entry point and port variable. */
const SERVICES = {
  gateway: { entry: 'gateway/main.ts', port: 'GATEWAY_PORT' },
  population: { entry: 'subgraphs/population/main.ts', port: 'POPULATION_PORT' },
  tax: { entry: 'subgraphs/tax/main.ts', port: 'TAX_PORT' },
  vehicles: { entry: 'subgraphs/vehicles/main.ts', port: 'VEHICLES_PORT' },
  education: { entry: 'subgraphs/education/main.ts', port: 'EDUCATION_PORT' },
  'authorization-server': { entry: 'consent/main.ts', port: 'AUTH_PORT' },
  portal: { entry: 'portal/main.ts', port: 'PORTAL_PORT' },
  requests: { entry: 'requests/main.ts', port: 'REQUESTS_PORT' },
  console: { entry: 'console/main.ts', port: 'CONSOLE_PORT' },
} as const satisfies Record<string, { entry: string; port: keyof typeof DEFAULT_PORTS }>;

const renders = { base: renderKustomization(join(KUBERNETES_DIR, 'base')), production: renderKustomization(join(KUBERNETES_DIR, 'overlays/production')) };
const find = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};
const containerOf = (objects: K8sObject[], name: string) => podSpec(find(objects, 'Deployment', name)).containers[0];

/** Test stand-ins for the Secrets the operator creates, by the kind of value each key holds. */
async function secretValues(): Promise<(secret: string, key: string) => string> {
  const jwk = async (alg: 'ES256' | 'EdDSA') => {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
    return { ...(await exportJWK(privateKey)), kid: `test-${alg}`, alg };
  };
  const internal = await jwk('EdDSA');
  const issuer = await jwk('ES256');
  const { d: _d, ...internalPublic } = internal;
  const values: Record<string, string> = {
    'hub-keys/gateway-internal-private-jwk': JSON.stringify(internal),
    'hub-keys/gateway-internal-public-jwk': JSON.stringify(internalPublic),
    'hub-keys/issuer-private-jwk': JSON.stringify(issuer),
    'hub-keys/pseudonym-key': Buffer.alloc(32, 1).toString('base64url'),
    'hub-keys/pairwise-key': Buffer.alloc(32, 2).toString('base64url'),
    'hub-keys/auth-cookie-key': Buffer.alloc(32, 3).toString('base64url'),
    'hub-keys/portal-session-secret': Buffer.alloc(32, 4).toString('base64url'),
    'hub-keys/console-session-secret': Buffer.alloc(32, 5).toString('base64url'),
    'hub-keys/portal-signing-jwk': JSON.stringify(await jwk('ES256')),
    'hub-upstream-login/client-id': 'hub',
    'hub-upstream-login/client-secret': 'secret',
    ...Object.fromEntries([...REGISTERS, 'consent', 'requests', 'portal', 'console'].map((name) => [`hub-databases/${name}`, `postgres://hub@db.example.test:5432/${name}`])),
  };
  return (secret, key) => {
    const value = values[`${secret}/${key}`];
    if (value === undefined) throw new Error(`the test knows no secret ${secret}/${key}: add what it holds to secretValues()`);
    return value;
  };
}

/** The environment a container gets: literal values, ConfigMap keys of the render, and Secret stand-ins. */
/** A Kubernetes CPU quantity (`2`, `1.5`, `500m`) in cores. */
function cpuCores(quantity: string | number): number {
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) / 1000 : Number(text);
}

function environmentOf(objects: K8sObject[], container: any, secret: (name: string, key: string) => string, home: string): Record<string, string> {
  const env: Record<string, string> = { HUB_HOME: home };
  for (const variable of container.env ?? []) {
    if ('value' in variable) env[variable.name] = variable.value;
    else if (variable.valueFrom?.configMapKeyRef) {
      const { name, key, optional } = variable.valueFrom.configMapKeyRef;
      const value = find(objects, 'ConfigMap', name).data?.[key];
      if (value === undefined && !optional) throw new Error(`${variable.name}: ConfigMap ${name} has no key ${key}`);
      if (value !== undefined) env[variable.name] = value;
    } else if (variable.valueFrom?.resourceFieldRef) {
      // What the kubelet puts there: the container's resource in units of the divisor, rounded up.
      const { containerName, resource, divisor } = variable.valueFrom.resourceFieldRef;
      expect({ containerName, resource, divisor }).toEqual({ containerName: container.name, resource: 'limits.cpu', divisor: '1' });
      env[variable.name] = String(Math.ceil(cpuCores(container.resources.limits.cpu)));
    } else if (variable.valueFrom?.secretKeyRef) {
      expect(variable.valueFrom.secretKeyRef.optional).toBeUndefined();
      env[variable.name] = secret(variable.valueFrom.secretKeyRef.name, variable.valueFrom.secretKeyRef.key);
    } else {
      throw new Error(`${variable.name}: unsupported env source`);
    }
  }
  expect(container.envFrom).toBeUndefined();
  return env;
}

describe.each(Object.entries(renders))('the %s render', (_name, objects) => {
  it('validates every object against the Kubernetes API schemas', () => {
    expect(objects.length).toBeGreaterThan(20);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      expect({ object: `${object.kind}/${object.metadata.name}`, known: Model !== undefined }).toEqual({ object: `${object.kind}/${object.metadata.name}`, known: true });
      expect(() => new Model!(object).validate()).not.toThrow();
    }
  });

  it('holds no Secret and no key or password in a plain value', () => {
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    const text = JSON.stringify(objects);
    expect(text).not.toMatch(/"d":"|BEGIN [A-Z ]*PRIVATE KEY|postgres(ql)?:\/\/[^"@]*:[^"@]*@/);
  });

  it.each(Object.entries(SERVICES))('%s: a Deployment with the entry point, the port of the code, probes, resources and a Service', (name, { entry, port }) => {
    const deployment = find(objects, 'Deployment', name);
    const container = containerOf(objects, name);
    expect(container.command).toEqual(['node', '--import', 'tsx', entry]);
    expect(existsSync(join(KUBERNETES_DIR, '../..', entry))).toBe(true);
    const portValue = Number(container.env.find((variable: { name: string }) => variable.name === port)?.value);
    // The contract's port for this service, set explicitly and the port the container exposes.
    expect(portValue).toBe(DEFAULT_PORTS[port]);
    expect(readPort({ [port]: String(portValue) }, port, -1)).toBe(portValue);
    expect(container.ports).toEqual([{ name: 'http', containerPort: portValue, protocol: 'TCP' }]);
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    expect(container.resources.limits).toEqual({ cpu: expect.anything(), memory: expect.anything() });
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(portValue));
    const service = find(objects, 'Service', name);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: portValue, targetPort: 'http', protocol: 'TCP' }]);
    // The drain (SHUTDOWN_DRAIN_SECONDS, then up to 8 s for requests in flight) ends before Kubernetes kills the pod.
    const drain = Number(find(objects, 'ConfigMap', 'hub-config').data.SHUTDOWN_DRAIN_SECONDS);
    expect(drain + 8).toBeLessThan(deployment.spec.template.spec.terminationGracePeriodSeconds);
  });

  it('runs every pod non-root with a read-only root filesystem, writable only in an emptyDir /tmp', () => {
    const workloads = objects.filter((object) => podSpec(object));
    expect(workloads.map((object) => object.metadata.name).sort()).toEqual([...Object.keys(SERVICES), 'migrate'].sort());
    for (const workload of workloads) {
      const spec = podSpec(workload);
      expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const container of spec.containers) {
        expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
        for (const mount of container.volumeMounts) {
          const volume = spec.volumes.find((candidate: { name: string }) => candidate.name === mount.name);
          if (volume.emptyDir) expect(mount.mountPath).toBe('/tmp');
          else expect({ secret: volume.secret !== undefined, readOnly: mount.readOnly }).toEqual({ secret: true, readOnly: true });
        }
      }
    }
  });

  it('runs one gateway worker per core of the gateway container\'s CPU limit (GATEWAY_WORKERS), never the node\'s core count', () => {
    const container = containerOf(objects, 'gateway');
    const variable = container.env.find((candidate: { name: string }) => candidate.name === 'GATEWAY_WORKERS');
    expect(variable?.valueFrom?.resourceFieldRef).toEqual({ containerName: 'gateway', resource: 'limits.cpu', divisor: '1' });
    const workers = readGatewayConfig(environmentOf(objects, container, () => '', tmpdir())).workers;
    expect(workers).toBe(Math.ceil(cpuCores(container.resources.limits.cpu)));
    expect(workers).toBeGreaterThanOrEqual(2);
  });

  it('has a PodDisruptionBudget per Deployment, below its replicas, and an autoscaler for the gateway', () => {
    for (const name of Object.keys(SERVICES)) {
      const deployment = find(objects, 'Deployment', name);
      const budget = find(objects, 'PodDisruptionBudget', name);
      expect(budget.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
      expect(budget.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
    }
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(hpa.spec.minReplicas).toBeGreaterThan(find(objects, 'PodDisruptionBudget', 'gateway').spec.minAvailable);
  });

  it("starts each service's production configuration from the environment the manifest gives it, writing nothing", async () => {
    const secret = await secretValues();
    // An empty hub home that must stay empty: production reads keys and databases from the environment only.
    const home = mkdtempSync(join(tmpdir(), 'hub-manifest-'));
    try {
      const envOf = (name: string) => environmentOf(objects, name === 'migrate' ? podSpec(find(objects, 'Job', 'migrate')).containers[0] : containerOf(objects, name), secret, home);
      for (const name of [...Object.keys(SERVICES), 'migrate']) {
        const env = envOf(name);
        expect(env.HUB_MODE).toBe('production');
        if (name !== 'migrate') {
          expect(env.HUB_HOST).toBe('0.0.0.0');
          expect(readShutdownDrainSeconds(env)).toBeGreaterThan(0);
          expect(readMetricsAccess(env)).toBeDefined();
          expect(() => otlpTracesUrl(env)).not.toThrow();
        }
      }
      const gateway = readGatewayConfig(envOf('gateway'));
      await loadSigningKey({ env: envOf('gateway'), variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
      readConsentDatabaseUrl(envOf('gateway'));
      // Each subgraph URL names a Service of the render, on its port, and the path the subgraphs serve.
      for (const [subgraph, url] of Object.entries(gateway.subgraphUrls)) {
        const { hostname, port, pathname } = new URL(url);
        const service = find(objects, 'Service', hostname);
        expect({ subgraph, port: Number(port), pathname }).toEqual({ subgraph, port: service.spec.ports[0].port, pathname: '/graphql' });
      }
      expect(gateway.port).toBe(DEFAULT_PORTS.GATEWAY_PORT);
      expect(gateway.publicUrl).toBe(gateway.audience);
      for (const register of REGISTERS) {
        const env = envOf(register);
        readRegisterDatabaseUrl(env, register as Register);
        expect(readSubgraphPort(env, register)).toBe(readSubgraphPort({}, register));
        await loadPublicKey({ env, variable: INTERNAL_KEY_SOURCE.publicVariable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
      }
      const authEnv = envOf('authorization-server');
      const auth = readConsentServerConfig(authEnv);
      expect(auth.issuer).toBe(gateway.issuer);
      expect(auth.audience).toBe(gateway.audience);
      await loadSigningKey({ env: authEnv, ...ISSUER_KEY_SOURCE });
      for (const [variable, file] of [[PSEUDONYM_KEY_VARIABLE, 'x'], ['HUB_PAIRWISE_KEY', 'x'], ['AUTH_COOKIE_KEY', 'x']] as const) await loadSecret(authEnv, variable, file);
      await loadPublicKey({ env: authEnv, variable: INTERNAL_KEY_SOURCE.publicVariable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
      // The partner registry is a file from a Secret volume.
      const authSpec = podSpec(find(objects, 'Deployment', 'authorization-server'));
      const mount = authSpec.containers[0].volumeMounts.find((candidate: { mountPath: string }) => authEnv.PARTNERS_FILE!.startsWith(`${candidate.mountPath}/`));
      expect(authSpec.volumes.find((volume: { name: string }) => volume.name === mount.name).secret.items).toEqual([{ key: 'partners.json', path: 'partners.json' }]);
      // So is the caseworker directory (CASEWORKERS_FILE), from its own Secret.
      const caseworkersMount = authSpec.containers[0].volumeMounts.find((candidate: { mountPath: string }) => authEnv.CASEWORKERS_FILE?.startsWith(`${candidate.mountPath}/`));
      expect(authSpec.volumes.find((volume: { name: string }) => volume.name === caseworkersMount?.name)?.secret).toEqual({ secretName: 'hub-caseworkers', items: [{ key: 'caseworkers.json', path: 'caseworkers.json' }] });
      const portalEnv = envOf('portal');
      const portal = readPortalConfig(portalEnv);
      expect(portal.issuer).toBe(gateway.issuer);
      expect(portal.gatewayUrl).toBe(gateway.publicUrl);
      expect(portal.publicUrl).toBe(auth.portalUrl);
      await loadSecret(portalEnv, 'PORTAL_SESSION_SECRET', 'x');
      await loadSigningKey({ env: portalEnv, variable: 'PORTAL_SIGNING_JWK', devFile: 'x', alg: 'ES256' });
      const consoleEnv = envOf('console');
      const console_ = readConsoleConfig(consoleEnv);
      expect(console_.issuer).toBe(gateway.issuer);
      expect(console_.gatewayUrl).toBe(gateway.publicUrl);
      expect(console_.publicUrl).toBe(readConsoleUrl(authEnv));
      await loadSecret(consoleEnv, 'CONSOLE_SESSION_SECRET', 'x');
      const requestsEnv = envOf('requests');
      const requests = readRequestsConfig(requestsEnv);
      expect(new URL(requests.populationUrl).hostname).toBe('population');
      await loadSigningKey({ env: requestsEnv, variable: INTERNAL_KEY_SOURCE.variable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
      await loadPublicKey({ env: requestsEnv, variable: INTERNAL_KEY_SOURCE.publicVariable, devFile: INTERNAL_KEY_SOURCE.devFile, alg: INTERNAL_KEY_SOURCE.alg });
      const migrate = envOf('migrate');
      for (const register of REGISTERS) readRegisterDatabaseUrl(migrate, register);
      readConsentDatabaseUrl(migrate);
      for (const name of ['REQUESTS', 'PORTAL', 'CONSOLE']) readServiceDatabaseUrl(migrate, name);
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("routes only public paths through the ingress, each one the code serves", () => {
    const ingress = find(objects, 'Ingress', 'hub');
    const routes = ingress.spec.rules.flatMap((rule: any) => rule.http.paths.map((path: any) => ({ service: path.backend.service.name, path: path.path, type: path.pathType })));
    expect(new Set(routes.map((route: { service: string }) => route.service))).toEqual(new Set(['gateway', 'authorization-server', 'portal', 'console']));
    for (const route of routes) {
      expect(route.path).not.toMatch(/^\/(metrics|healthz|readyz)/);
      expect(route.path === '/' && route.type === 'Prefix').toBe(false);
      if (route.service === 'gateway') expect(route).toEqual({ service: 'gateway', path: '/graphql', type: 'Exact' });
      // A Prefix route serves a page of the code under it (a consent's revocation, a request's answer, a case).
      const under = (named: (path: string) => string | undefined) => (route.type === 'Exact' ? named(route.path) : ['revoke', 'answer', 'reply', ''].map((action) => named(`${route.path}/some-id${action ? `/${action}` : ''}`)).find(Boolean));
      if (route.service === 'portal') expect(under(portalRoute)).toBeDefined();
      if (route.service === 'console') expect(under(consoleRoute)).toBeDefined();
      // The authorization server's /graphql is the consent subgraph: the gateway's alone.
      if (route.service === 'authorization-server') expect(route.path).not.toMatch(/^\/graphql/);
    }
    for (const backend of ingress.spec.rules.flatMap((rule: any) => rule.http.paths.map((path: any) => path.backend.service))) {
      expect(find(objects, 'Service', backend.name).spec.ports.map((port: { name: string }) => port.name)).toContain(backend.port.name);
    }
  });

  describe('network policies', () => {
    const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
    const labelsOf = (name: string) => find(objects, 'Deployment', name).spec.template.metadata.labels as Record<string, string>;
    const matches = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
      Object.entries(selector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
    type Source = { pod: string } | { namespace: string };
    /** Whether `source` may open a connection to `target`'s http port, under the policies (additive, default deny). */
    const mayReach = (source: Source, target: string): boolean => {
      const labels = labelsOf(target);
      const selecting = policies.filter((policy) => policy.spec.policyTypes.includes('Ingress') && matches(policy.spec.podSelector, labels));
      if (selecting.length === 0) return true;
      return selecting.some((policy) =>
        (policy.spec.ingress ?? []).some((rule: any) =>
          (rule.ports ?? [{ port: 'http' }]).some((port: any) => port.port === 'http') &&
          (rule.from ?? []).some((peer: any) => {
            if ('pod' in source) return peer.namespaceSelector === undefined && peer.ipBlock === undefined && matches(peer.podSelector, labelsOf(source.pod));
            return peer.podSelector === undefined && peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === source.namespace;
          }),
        ),
      );
    };

    it('deny everything by default, in and out', () => {
      expect(policies.some((policy) => JSON.stringify(policy.spec.podSelector) === '{}' && policy.spec.policyTypes.includes('Ingress') && policy.spec.policyTypes.includes('Egress') && !policy.spec.ingress && !policy.spec.egress)).toBe(true);
    });

    it('let only the gateway reach the registers and the requests subgraph (which reads names from population alone)', () => {
      for (const register of [...REGISTERS, 'requests']) {
        expect(mayReach({ pod: 'gateway' }, register)).toBe(true);
        for (const other of ['portal', 'console', 'authorization-server', ...REGISTERS, 'requests'].filter((r) => r !== register)) {
          const allowed = other === 'requests' && register === 'population';
          expect({ other, register, reach: mayReach({ pod: other }, register) }).toEqual({ other, register, reach: allowed });
        }
        expect(mayReach({ namespace: 'ingress-nginx' }, register)).toBe(false);
      }
    });

    it('let only the ingress reach the gateway, the portal and the authorization server (and the gateway its consent subgraph)', () => {
      for (const edge of ['gateway', 'portal', 'console', 'authorization-server']) {
        expect(mayReach({ namespace: 'ingress-nginx' }, edge)).toBe(true);
        expect(mayReach({ namespace: 'default' }, edge)).toBe(false);
        for (const pod of ['population', 'portal']) if (pod !== edge) expect(mayReach({ pod }, edge)).toBe(false);
      }
      expect(mayReach({ pod: 'gateway' }, 'authorization-server')).toBe(true);
      expect(mayReach({ pod: 'gateway' }, 'portal')).toBe(false);
    });
  });
});

describe('the production overlay', () => {
  it('puts everything in its namespace, with the registry image and at least three gateways', () => {
    const objects = renders.production;
    for (const object of objects) if (object.kind !== 'Namespace') expect(object.metadata.namespace).toBe('personal-data-hub');
    for (const object of objects.filter((candidate) => podSpec(candidate))) {
      for (const container of podSpec(object).containers) expect(container.image).toBe('registry.example.fi/personal-data-hub:0.1.0');
    }
    expect(find(objects, 'HorizontalPodAutoscaler', 'gateway').spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(find(objects, 'Namespace', 'personal-data-hub').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(readGatewayConfig({ HUB_MODE: 'production', GATEWAY_AUDIENCE: find(objects, 'ConfigMap', 'hub-config').data.GATEWAY_AUDIENCE }).audience).toMatch(/^https:\/\/api\.hub\.example\.fi\//);
  });

  it('the renderer refuses what it would not apply', () => {
    expect(() => renderKustomization(join(KUBERNETES_DIR, 'does-not-exist'))).toThrow();
  });
});
