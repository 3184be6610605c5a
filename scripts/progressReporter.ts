/**
 * A progress bar on a terminal; elsewhere (CI logs, pipes) a line at every tenth: `<command>: 40% (400/1000 <unit>, 2.1 s)`.
 * The seeders (`npm run seed`, `npm run seed-consents`) report through it on stderr.
 */
export function progressReporter(stream: NodeJS.WriteStream, command: string, unit: string): (done: number, total: number) => void {
  const started = Date.now();
  let lastTenth = -1;
  let lastDraw = 0;
  return (done, total) => {
    const share = total === 0 ? 1 : done / total;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (stream.isTTY) {
      if (done < total && Date.now() - lastDraw < 100) return; // redrawing more often only costs time
      lastDraw = Date.now();
      const width = 30;
      const filled = Math.round(share * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      stream.write(`\r${bar} ${(share * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${unit} ${seconds} s`);
      if (done === total) stream.write('\n');
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        stream.write(`${command}: ${tenth * 10}% (${done}/${total} ${unit}, ${seconds} s)\n`);
      }
    }
  };
}
