import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Serves The Guild's federation gateway audit (its subgraphs, supergraphs and tests) with the audit's own server
 * (`src/index.ts` `serve()` of a checkout), in a process of its own: `--audit-dir <checkout> --port <port>`. Started
 * by scripts/federationAudit.ts; nothing of the audit is copied into the project.
 */
const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (!value) throw new TypeError(`--${name} is required`);
  return value;
};
const auditDir = resolve(option('audit-dir'));
const port = Number(option('port'));
if (!Number.isInteger(port) || port <= 0) throw new TypeError(`--port must be a port number, got ${option('port')}`);

// The audit is written for Node 22, which has Promise.withResolvers; Node 20 does not.
const promise = Promise as unknown as { withResolvers?: () => unknown };
promise.withResolvers ??= () => {
  let resolve!: (value: unknown) => void;
  let reject!: (reason: unknown) => void;
  const created = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise: created, resolve, reject };
};

const { serve } = (await import(pathToFileURL(join(auditDir, 'src', 'index.ts')).href)) as { serve(port: number): Promise<unknown> };
await serve(port);
process.stdout.write(`audit server listening on ${port}\n`);
