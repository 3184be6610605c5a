import { BlockList, isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import type { Env } from '../config.js';

/** Who may read `/metrics`: loopback always, and the networks of `METRICS_ALLOW`. */
export interface MetricsAccess {
  allows(req: IncomingMessage): boolean;
}

/**
 * Reads `METRICS_ALLOW`: a comma-separated list of CIDR networks (`10.0.0.0/8, fd00::/8`) or single addresses whose
 * hosts may scrape `/metrics` besides loopback. A malformed entry stops the service from starting.
 */
export function readMetricsAccess(env: Env): MetricsAccess {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const entry of (env.METRICS_ALLOW ?? '').split(',').map((item) => item.trim()).filter(Boolean)) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new TypeError(`METRICS_ALLOW must be a comma-separated list of CIDR networks, got ${JSON.stringify(entry)}`);
    }
    list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    allows(req) {
      // A request that came through a proxy (the public ingress adds these) is refused whatever its peer address:
      // an ingress controller on the same host or network must not turn into a way in.
      if (req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined) return false;
      const remote = req.socket.remoteAddress;
      if (!remote) return false;
      // An IPv4 peer on a dual-stack socket shows as ::ffff:a.b.c.d.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(remote)?.[1];
      return mapped ? list.check(mapped, 'ipv4') : list.check(remote, isIP(remote) === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
