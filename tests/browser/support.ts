import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { freePort } from '../support/http.js';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from '@jest/globals';
import { chromium, type Browser, type Page } from 'playwright-core';

// Shared by the browser tests (tests/browser/*.test.ts): find Debian's Chromium (never a download), start the hub
// exactly as `npm start` does on free ports, check pages with axe-core and save screenshots as artifacts.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where screenshots go: `tests/artifacts/` is git-ignored. */
export const SCREENSHOT_DIR = join(root, 'tests/artifacts/screenshots');

/** The portal's and the consent screen's languages. */
export const LANGUAGES = ['fi', 'sv', 'en'] as const;
/** One of {@link LANGUAGES}. */
export type Language = (typeof LANGUAGES)[number];

/** The Chromium executable: `CHROMIUM_PATH` (when set, only it), else Debian's. Undefined when there is none. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.CHROMIUM_PATH ? [env.CHROMIUM_PATH] : ['/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((path) => existsSync(path));
}

/**
 * `describe` when Chromium exists, else `describe.skip` with a loud warning. With `CI=true` nothing may be
 * skipped (CONTRACT.md): a missing Chromium throws instead.
 */
export function describeWithChromium(name: string, body: () => void): void {
  const executable = findChromium();
  if (executable !== undefined) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    throw new Error(`CI=true but no Chromium found (CHROMIUM_PATH, /usr/bin/chromium, /usr/bin/chromium-browser): "${name}" cannot be skipped. Install Debian's chromium (.ci/run does).`);
  }
  // Straight to stderr as well: Jest drops the console output of a file whose tests were all skipped.
  console.warn('*** SKIPPED: browser tests (no Chromium) ***');
  process.stderr.write(`\n*** SKIPPED: browser tests (no Chromium) ***: ${name}\n`);
  describe.skip(`${name} (SKIPPED: no Chromium)`, body);
}

/** Launches Debian's Chromium headless (the flags GUIDE.md names). */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (executablePath === undefined) throw new Error('no Chromium found');
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Whether something already listens on `port` (loopback). */
function portIsBusy(port: number): Promise<boolean> {
  return new Promise((resolveBusy) => {
    const server = createServer();
    server.once('error', () => resolveBusy(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveBusy(false)));
  });
}

/** The hub as `npm start` runs it, in its own process group. */
export interface SpawnedHub {
  readonly portalUrl: string;
  /** The caseworkers' console. */
  readonly consoleUrl: string;
  readonly partnerUrl: string;
  readonly issuerUrl: string;
  readonly gatewayUrl: string;
  /** The hub's temporary `HUB_HOME` (its SQLite files), removed by `stop()`. */
  readonly home: string;
  /** Everything the hub printed (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `scripts/start.ts` (what `npm start` runs) with a temporary `HUB_HOME` on free ports. With
 * `partnerOn4300` the partner app gets port 4300 exactly: demo-bank's registered redirect URI is
 * `http://127.0.0.1:4300/callback`. Resolves when every service's `/readyz` answers 200 (30 s at most).
 */
export async function spawnHub(options: { partnerOn4300: boolean }): Promise<SpawnedHub> {
  if (options.partnerOn4300 && (await portIsBusy(4300))) {
    throw new Error('Port 4300 is busy: the partner browser test needs it (demo-bank\'s registered redirect URI is http://127.0.0.1:4300/callback). Stop whatever listens there (an `npm start`?) and run again.');
  }
  const names = ['GATEWAY_PORT', 'POPULATION_PORT', 'TAX_PORT', 'VEHICLES_PORT', 'EDUCATION_PORT', 'REQUESTS_PORT', 'AUTH_PORT', 'PORTAL_PORT', 'CONSOLE_PORT'] as const;
  const ports: Record<string, number> = {};
  for (const name of names) ports[name] = await freePort();
  ports.PARTNER_PORT = options.partnerOn4300 ? 4300 : await freePort();
  const home = mkdtempSync(join(tmpdir(), 'hub-browser-'));
  const portalUrl = `http://127.0.0.1:${ports.PORTAL_PORT}`;
  const consoleUrl = `http://127.0.0.1:${ports.CONSOLE_PORT}`;
  const issuerUrl = `http://127.0.0.1:${ports.AUTH_PORT}`;
  const gatewayUrl = `http://127.0.0.1:${ports.GATEWAY_PORT}/graphql`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HUB_MODE: 'dev',
    HUB_HOME: home,
    HUB_SEED_PERSONS: '50',
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    PORTAL_URL: portalUrl,
    CONSOLE_URL: consoleUrl,
    ISSUER_URL: issuerUrl,
    GATEWAY_AUDIENCE: gatewayUrl,
  };
  // Directly, not through npm: one process to kill, in its own group (detached) so nothing outlives the tests.
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited: number | null | undefined;
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  child.on('exit', (code) => (exited = code));
  const stop = async () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    if (exited === undefined) await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  };
  const ready = async () => {
    const checks = Object.values(ports).map((port) =>
      fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false),
    );
    return (await Promise.all(checks)).every(Boolean);
  };
  const deadline = Date.now() + 30_000;
  while (!(await ready())) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop();
      throw new Error(`the hub did not get ready within 30 s (exit code ${exited}); its output:\n${output.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { portalUrl, consoleUrl, home, partnerUrl: `http://127.0.0.1:${ports.PARTNER_PORT}`, issuerUrl, gatewayUrl, output: () => output, stop };
}

/** The hub and Chromium, started side by side; if either fails the other is stopped again (nothing is left running). */
export async function startHubAndBrowser(options: { partnerOn4300: boolean }): Promise<{ hub: SpawnedHub; browser: Browser }> {
  const [hub, browser] = await Promise.allSettled([spawnHub(options), launchChromium()]);
  if (hub.status === 'fulfilled' && browser.status === 'fulfilled') return { hub: hub.value, browser: browser.value };
  if (hub.status === 'fulfilled') await hub.value.stop();
  if (browser.status === 'fulfilled') await browser.value.close();
  throw hub.status === 'rejected' ? hub.reason : (browser as PromiseRejectedResult).reason;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One axe rule violation, as axe reports it. */
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page and throws, listing them, if any violation is `serious`
 * or `critical`. The page's context must have been created with `bypassCSP: true`: every page here has a strict
 * CSP without `script-src`, which would block the injected axe script (the pages themselves have no script).
 */
export async function expectNoSeriousAxeViolations(page: Page, label: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const { violations, passes } = (await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[]; passes: unknown[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return { violations: result.violations, passes: result.passes.length };
  })) as { violations: AxeViolation[]; passes: number };
  if (passes === 0) throw new Error(`axe checked nothing on ${label}: did the page load?`);
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const minor = violations.filter((v) => !serious.includes(v));
  if (minor.length > 0) console.log(`axe (${label}): minor/moderate: ${minor.map((v) => `${v.id} (${v.impact})`).join(', ')}`);
  if (serious.length > 0) {
    const lines = serious.map(
      (v) => `- ${v.id} [${v.impact}] ${v.help}\n${v.nodes.map((n) => `    at ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n')}`,
    );
    throw new Error(`axe found serious accessibility violations on ${label} (${page.url()}):\n${lines.join('\n')}`);
  }
}

/** Saves a full-page PNG as `tests/artifacts/screenshots/<journey>-<page>-<lang>.png`; returns its path. */
export async function screenshot(page: Page, journey: string, name: string, lang: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${journey}-${name}-${lang}.png`);
  await page.screenshot({ path, fullPage: true, type: 'png' });
  return path;
}

/** The terms of `schema/health-vocabulary.json` (what must never appear on a citizen's page). */
export const HEALTH_TERMS: readonly string[] = (
  JSON.parse(readFileSync(join(root, 'schema/health-vocabulary.json'), 'utf8')) as { terms: string[] }
).terms;

/** A name or term split into lower-case words (`restrictionCode` -> restriction, code), as schema/policy.ts does. */
function words(text: string): string[] {
  return (text.match(/\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\d+/gu) ?? []).map((w) => w.toLowerCase());
}

/**
 * The health terms found in a page's text. The vocabulary holds stems (`diagnos`, `therap`): a term matches a run of
 * words that each start with the term's words (schema/policy.ts's rule), so `revision` or `division` never match
 * `vision` but `Restriction codes` matches `restrictionCode`.
 */
export function healthWordsIn(text: string): string[] {
  const textWords = text.split(/[^\p{L}\d]+/u).filter(Boolean).map((w) => w.toLowerCase());
  return HEALTH_TERMS.filter((term) => {
    const termWords = words(term);
    return textWords.some((_, i) => termWords.every((tw, j) => textWords[i + j]?.startsWith(tw)));
  });
}

/** The test personas (data/personas.json). */
export const personas: ReadonlyArray<{ personalIdentityCode: string; firstNames: string; lastName: string; tags: string[] }> = JSON.parse(
  readFileSync(join(root, 'data/personas.json'), 'utf8'),
);

/** Signs in on the authorization server's test login page (dev mode) as `persona`; resolves once the next page loaded. */
export async function testLogin(page: Page, persona: string): Promise<void> {
  await page.locator('form#login select[name=persona]').selectOption(persona);
  await page.locator('form#login [type=submit]').click();
  await page.waitForLoadState('load');
}

/** The `lang` attribute of the page's `html` element. */
export function htmlLang(page: Page): Promise<string | null> {
  return page.locator('html').getAttribute('lang');
}

/** The whole document's width fits the viewport: no horizontal scrolling. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}
