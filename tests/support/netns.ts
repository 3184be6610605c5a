import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Teardown } from './teardown.js';

// Hosts on one machine: one network namespace per host, each with its own loopback and one interface (eth0) cabled
// by a veth pair to a bridge in a "switch" namespace of its own (so the machine's own namespace forwards nothing
// and its firewall sees no bridged traffic). The machine's namespace gets one port on that switch too, with the
// subnet's .1, so that the test and the balancer reach the hosts. Every name has a random suffix: a crashed run
// never collides with the next one.

/** Runs `ip <args>`; throws with its stderr when it fails. */
export function ip(...args: string[]): string {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ip ${args.join(' ')} failed (${result.status}): ${result.stderr || result.error?.message}`);
  return result.stdout;
}

/** Whether this process can make network namespaces (root with iproute2). */
export function canMakeNamespaces(): { ok: boolean; reason?: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root (ip netns needs CAP_SYS_ADMIN and CAP_NET_ADMIN)' };
  const probe = spawnSync('ip', ['-V'], { encoding: 'utf8' });
  if (probe.status !== 0) return { ok: false, reason: 'no ip command (iproute2)' };
  return { ok: true };
}

/** A host of a {@link HostNetwork}: its namespace and address. */
export interface Host {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  /** Its cable's port on the switch (what {@link HostNetwork.cut} takes down). */
  readonly switchPort: string;
}

/** Hosts on a private /24, reachable from this machine's namespace at their addresses. */
export interface HostNetwork {
  /** `hub-<random>`: the prefix of every namespace of this network. */
  readonly id: string;
  /** `10.77.<n>`: the first three octets. */
  readonly prefix: string;
  /** This machine's address on the switch (`<prefix>.1`). */
  readonly gatewayAddress: string;
  readonly hosts: Readonly<Record<string, Host>>;
  /** Unplugs a host's cable at the switch: nothing reaches it and it reaches nothing, its processes keep running. */
  cut(host: string): void;
  /** Plugs it back in. */
  heal(host: string): void;
}

/**
 * Makes the namespaces, the switch and the cables for `hosts` (name -> last octet, 2-254), on `10.77.<n>.0/24` with a
 * random `n` that no address of this machine uses yet. Registers their removal with `teardown` before making anything.
 */
export function createHostNetwork(hosts: Readonly<Record<string, number>>, teardown: Teardown): HostNetwork {
  const id = randomBytes(3).toString('hex');
  const used = ip('-4', '-o', 'addr', 'show');
  let prefix = '';
  for (let attempt = 0; attempt < 50 && !prefix; attempt += 1) {
    const candidate = `10.77.${1 + Math.floor(Math.random() * 254)}`;
    if (!used.includes(` ${candidate}.`)) prefix = candidate;
  }
  if (!prefix) throw new Error('no free 10.77.x.0/24 subnet on this machine');
  const switchNs = `hub-${id}-sw`;
  const uplink = `hub${id}`; // this machine's end, at most 15 characters
  const namespaces = [switchNs, ...Object.keys(hosts).map((name) => `hub-${id}-${name}`)];
  // Deleting a namespace destroys its interfaces and with them their veth peers; the uplink goes with the switch.
  teardown.add({ name: `uplink ${uplink}`, kind: 'command', argv: ['ip', 'link', 'del', uplink], optional: true });
  for (const namespace of namespaces) teardown.add({ name: `namespace ${namespace}`, kind: 'namespace', namespace });

  ip('netns', 'add', switchNs);
  ip('-n', switchNs, 'link', 'set', 'lo', 'up');
  ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', switchNs, 'link', 'set', 'br0', 'up');

  const plug = (port: string) => {
    ip('-n', switchNs, 'link', 'set', port, 'master', 'br0');
    ip('-n', switchNs, 'link', 'set', port, 'up');
  };
  ip('link', 'add', uplink, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', switchNs);
  plug('uplink');
  ip('addr', 'add', `${prefix}.1/24`, 'dev', uplink);
  ip('link', 'set', uplink, 'up');

  const made: Record<string, Host> = {};
  for (const [name, octet] of Object.entries(hosts)) {
    if (!Number.isInteger(octet) || octet < 2 || octet > 254) throw new TypeError(`host ${name}: last octet must be 2-254, got ${octet}`);
    const namespace = `hub-${id}-${name}`;
    const switchPort = `p-${name}`.slice(0, 15);
    ip('netns', 'add', namespace);
    ip('-n', namespace, 'link', 'set', 'lo', 'up');
    ip('link', 'add', 'eth0', 'netns', namespace, 'type', 'veth', 'peer', 'name', switchPort, 'netns', switchNs);
    plug(switchPort);
    ip('-n', namespace, 'addr', 'add', `${prefix}.${octet}/24`, 'dev', 'eth0');
    ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    made[name] = Object.freeze({ name, namespace, address: `${prefix}.${octet}`, switchPort });
  }
  const port = (host: string) => {
    const found = made[host];
    if (!found) throw new TypeError(`no host ${host}`);
    return found.switchPort;
  };
  return Object.freeze({
    id: `hub-${id}`,
    prefix,
    gatewayAddress: `${prefix}.1`,
    hosts: Object.freeze(made),
    cut: (host: string) => void ip('-n', switchNs, 'link', 'set', port(host), 'down'),
    heal: (host: string) => void ip('-n', switchNs, 'link', 'set', port(host), 'up'),
  });
}
