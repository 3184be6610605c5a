import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import { readMetricsAccess } from '../metricsAccess.js';

const from = (remoteAddress: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress }, headers }) as unknown as IncomingMessage;

describe('readMetricsAccess (METRICS_ALLOW)', () => {
  it('allows loopback only by default', () => {
    const access = readMetricsAccess({});
    expect(access.allows(from('127.0.0.1'))).toBe(true);
    expect(access.allows(from('::1'))).toBe(true);
    expect(access.allows(from('::ffff:127.0.0.1'))).toBe(true);
    expect(access.allows(from('10.1.2.3'))).toBe(false);
    expect(access.allows(from('192.168.0.5'))).toBe(false);
  });

  it('allows the listed networks and addresses, IPv4 and IPv6', () => {
    const access = readMetricsAccess({ METRICS_ALLOW: '10.0.0.0/8, 192.168.1.7, fd00::/8' });
    expect(access.allows(from('10.244.3.9'))).toBe(true);
    expect(access.allows(from('::ffff:10.244.3.9'))).toBe(true);
    expect(access.allows(from('192.168.1.7'))).toBe(true);
    expect(access.allows(from('192.168.1.8'))).toBe(false);
    expect(access.allows(from('fd12::1'))).toBe(true);
    expect(access.allows(from('2001:db8::1'))).toBe(false);
  });

  it('refuses anything that came through a proxy, even from loopback', () => {
    const access = readMetricsAccess({ METRICS_ALLOW: '0.0.0.0/0' });
    expect(access.allows(from('127.0.0.1', { 'x-forwarded-for': '10.0.0.1' }))).toBe(false);
    expect(access.allows(from('10.0.0.1', { forwarded: 'for=10.0.0.1' }))).toBe(false);
  });

  it.each(['10.0.0.0/33', 'not-an-ip', '10.0.0.0/8/1', 'fd00::/129', '10.0.0.0/x'])('refuses %s at start, naming the variable', (entry) => {
    expect(() => readMetricsAccess({ METRICS_ALLOW: entry })).toThrow(new TypeError(`METRICS_ALLOW must be a comma-separated list of CIDR networks, got ${JSON.stringify(entry)}`));
  });
});
