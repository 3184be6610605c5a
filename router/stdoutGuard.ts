// Imported first by the commands whose stdout is a data channel (`route --jsonl`): anything a library prints with
// console.log/info/debug/warn goes to stderr, so stdout holds nothing but the JSON lines.
for (const method of ['log', 'info', 'debug', 'warn'] as const) {
  console[method] = (...args: unknown[]): void => {
    process.stderr.write(`${args.map((a) => (typeof a === 'string' ? a : String(a))).join(' ')}\n`);
  };
}

/** Marker export so the import has a name; importing the module is what matters. */
export const stdoutGuarded = true;
