import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(command: string, args: string[], stdin: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
    child.stdin.end(stdin);
  });
}

const MARKER = 'MARKER-7d1c0e';
const lines = [
  JSON.stringify({ text: 'Muutin Ouluun mutta osoite on yhä vanha' }),
  JSON.stringify({ text: 'Jag sålde bilen men ägarbytet syns inte' }),
  JSON.stringify({ text: 'My prescription for insulin has run out' }),
  `{"text": "broken ${MARKER}`,
  JSON.stringify({ txt: `wrong field ${MARKER}` }),
  JSON.stringify({ text: '   ' }),
  JSON.stringify([`an array ${MARKER}`]),
  '',
  JSON.stringify({ text: 'Veronpalautus ei ole tullut' }),
];

describe('route --jsonl (contract: ../shared/CONTRACT.md)', () => {
  it('prints exactly one JSON line per input line, in order, and nothing else on stdout', async () => {
    const { stdout, stderr, code } = await run('npm', ['run', '--silent', 'route', '--', '--jsonl'], `${lines.join('\n')}\n`);
    const out = stdout.split('\n');
    expect(out.pop()).toBe('');
    // The empty line is no input; the other eight each get one line.
    expect(out).toHaveLength(8);
    const parsed = out.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({ queue: 'population', language: 'fi' });
    expect(parsed[1]).toMatchObject({ queue: 'vehicles', language: 'sv' });
    expect(parsed[2]).toMatchObject({ queue: 'health', language: 'en' });
    expect(parsed[7]).toMatchObject({ queue: 'tax', language: 'fi' });
    for (const i of [0, 1, 2, 7]) {
      expect(Object.keys(parsed[i]).sort()).toEqual(['confidence', 'language', 'queue']);
      expect(parsed[i].confidence).toBeGreaterThanOrEqual(0);
      expect(parsed[i].confidence).toBeLessThanOrEqual(1);
    }
    // Bad lines: an error with a stable code and the line number, never the line's text, on stdout or stderr.
    expect(parsed.slice(3, 7)).toEqual([
      { error: { code: 'BAD_USER_INPUT', line: 4, message: 'line 4: not valid JSON' } },
      { error: { code: 'BAD_USER_INPUT', line: 5, message: 'line 5: field "text" must be a string' } },
      { error: { code: 'BAD_USER_INPUT', line: 6, message: 'line 6: field "text" must not be empty' } },
      { error: { code: 'BAD_USER_INPUT', line: 7, message: 'line 7: expected a JSON object {"text": "..."}' } },
    ]);
    expect(stdout + stderr).not.toContain(MARKER);
    expect(stderr).toContain('4 line(s) refused');
    expect(code).toBe(1);
  }, 60_000);

  it('exits 0 when every line was routed, and handles many lines', async () => {
    const many = Array.from({ length: 300 }, (_, i) => JSON.stringify({ text: i % 2 ? 'Ajokortti vanhenee' : 'Tutkintotodistus puuttuu' }));
    const { stdout, code } = await run(process.execPath, ['--import', 'tsx', 'router/routeCommand.ts', '--jsonl'], `${many.join('\n')}\n`);
    const out = stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(out).toHaveLength(300);
    expect(out.map((o) => o.queue)).toEqual(many.map((_, i) => (i % 2 ? 'vehicles' : 'education')));
    expect(code).toBe(0);
  }, 60_000);

  it('prints nothing at all for empty input', async () => {
    const { stdout, code } = await run(process.execPath, ['--import', 'tsx', 'router/routeCommand.ts', '--jsonl'], '');
    expect(stdout).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('refuses a wrong command line with exit 2 and the usage on stderr', async () => {
    const { stdout, stderr, code } = await run(process.execPath, ['--import', 'tsx', 'router/routeCommand.ts', '--jsonl', '--eval'], '');
    expect(stdout).toBe('');
    expect(stderr).toMatch(/usage:/);
    expect(code).toBe(2);
  }, 60_000);
});

describe('route --eval', () => {
  it('prints the held-out figures, the tables, the confusion matrix and the misroutes', async () => {
    const { stdout, code } = await run(process.execPath, ['--import', 'tsx', 'router/routeCommand.ts', '--eval'], '');
    expect(code).toBe(0);
    for (const heading of ['| routed right |', '| routed to a wrong register |', 'Accuracy per language:', 'Accuracy per queue:', 'Confusion matrix', 'Misroutes (', 'triage rate']) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).not.toContain('MISSED');
  }, 60_000);
});
