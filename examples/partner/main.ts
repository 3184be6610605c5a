// Runs the partner example app alone: `node --import tsx examples/partner/main.ts` (the hub running, e.g. `npm start`).
// Ctrl-C or SIGTERM stops it cleanly.
import { startPartnerApp } from './server.js';

const app = await startPartnerApp(process.env);
process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), service: 'partner', msg: 'open the app', url: app.url })}\n`);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  setTimeout(() => process.exit(1), 5000).unref(); // a stop that hangs
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), service: 'partner', msg: 'stopping', signal })}\n`);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
