import { pino, type DestinationStream, type Logger } from 'pino';
import { traceFields } from './telemetry/spans.js';

/** A personal identity code (henkilötunnus) anywhere in a string, any century sign. */
const IDENTITY_CODE = /\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]/gi;
/** A compact JWS/JWT anywhere in a string. */
const COMPACT_JWT = /eyJ[\w-]*\.[\w-]*\.[\w-]*/g;
/** An HTTP authorization value (the scheme and whatever credential follows it). */
const AUTHORIZATION_VALUE = /\b(Bearer|DPoP|Basic)\s+\S+/gi;

/** Replaces personal identity codes and tokens in a string; the last line of defence, not the first. */
export function scrub(text: string): string {
  return text
    .replace(AUTHORIZATION_VALUE, '$1 [REDACTED]')
    .replace(COMPACT_JWT, '[REDACTED-TOKEN]')
    .replace(IDENTITY_CODE, '[REDACTED-ID]');
}

function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrub(value.message), code: (value as { code?: unknown }).code };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = scrubValue(item, depth + 1);
  return out;
}

/** Paths that carry credentials or personal data; censored whatever their content. */
const REDACT_PATHS = [
  'authorization',
  'token',
  'accessToken',
  'credential',
  'variables',
  'query',
  'headers.authorization',
  'headers.cookie',
  'headers.dpop',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.dpop',
  '*.authorization',
  '*.personalIdentityCode',
];

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** Service name stamped on every line. */
  service: string;
  level?: string;
  /** Where lines go (stdout by default, see {@link bufferedStdout}); tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

/** Options for {@link bufferedDestination}. */
export interface BufferedDestinationOptions {
  /** The file descriptor written to. */
  fd: number;
  /** Lines are gathered up to this many bytes before a write; 0 writes each line at once. */
  bufferBytes: number;
  /** What is gathered is written at least this often, however little it is. */
  flushMs: number;
}

/**
 * An asynchronous destination that gathers lines into writes of `bufferBytes` (pino's sonic-boom `minLength`), and
 * writes whatever it holds every `flushMs`, on `logger.flush()` and, synchronously, when the process exits (pino
 * registers that). Each asynchronous write hands the line to a libuv thread and back: about 23 µs of CPU per write
 * against under 1 µs of formatting, so one write per access line cost more than the line itself. A line is at most
 * `flushMs` late; a process killed with SIGKILL loses what it had not written.
 */
export function bufferedDestination(options: BufferedDestinationOptions): DestinationStream {
  const { fd, bufferBytes, flushMs } = options;
  if (!Number.isSafeInteger(bufferBytes) || bufferBytes < 0) throw new TypeError(`bufferedDestination: "bufferBytes" must be an integer of 0 or more, got ${bufferBytes}`);
  if (!Number.isSafeInteger(flushMs) || flushMs <= 0) throw new TypeError(`bufferedDestination: "flushMs" must be a positive integer, got ${flushMs}`);
  // pino's sonic-boom stream; its `destroyed` is set once it is closed.
  const stream = pino.destination({ dest: fd, sync: false, minLength: bufferBytes }) as ReturnType<typeof pino.destination> & { destroyed?: boolean };
  if (bufferBytes > 0) {
    const timer = setInterval(() => {
      // A destroyed stream (the process is ending) has nothing more to write.
      if (!stream.destroyed) stream.flush();
    }, flushMs);
    timer.unref();
    stream.once('close', () => clearInterval(timer));
  }
  return stream;
}

/** The stdout destination of this process, per buffer size: see {@link bufferedStdout}. */
const stdoutDestinations = new Map<number, DestinationStream>();

/**
 * stdout as {@link bufferedDestination}: `LOG_BUFFER_BYTES` (default 4096; 0 writes each line at once), every 200 ms.
 * One destination per process, shared by every logger in it (`npm start` runs nine services in one process): a
 * gathered write can be longer than a pipe writes at once, so two writers on the same stdout could cut each other's
 * lines; one writer never does.
 */
export function bufferedStdout(env: Readonly<Record<string, string | undefined>> = process.env): DestinationStream {
  const raw = env.LOG_BUFFER_BYTES ?? '4096';
  const bufferBytes = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(bufferBytes)) throw new TypeError(`LOG_BUFFER_BYTES must be a whole number of bytes, got ${JSON.stringify(raw)}`);
  let destination = stdoutDestinations.get(bufferBytes);
  if (!destination) {
    destination = bufferedDestination({ fd: process.stdout.fd ?? 1, bufferBytes, flushMs: 200 });
    stdoutDestinations.set(bufferBytes, destination);
  }
  return destination;
}

/**
 * A pino logger that writes JSON lines. Values at credential paths are censored, and every string
 * is scrubbed of personal identity codes and tokens before it is written.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: options.service },
      // The active span's trace id on every line (OpenTelemetry's log correlation: trace_id, span_id, trace_flags).
      mixin: traceFields,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { log: (object) => scrubValue(object, 0) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((arg) => (typeof arg === 'string' ? scrub(arg) : arg)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
      serializers: { err: (err: unknown) => scrubValue(err, 0) },
    },
    options.destination ?? bufferedStdout(),
  );
}

export type { Logger };
