import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** An HTTP answer read whole: the body parsed as JSON when it is JSON, else the text. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

/** Reads a fetch Response whole; `body` is the parsed JSON, or the text when it is not JSON (kept for assertion messages). */
export async function readResponse(response: Response): Promise<RawResponse> {
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Starts `server` on a free port of 127.0.0.1 and resolves with its origin (`http://127.0.0.1:<port>`). */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Closes `server` at once, open connections included. */
export function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A free TCP port on loopback: the OS picks one, and it is closed again before the caller binds it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
