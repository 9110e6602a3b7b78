import { describe, expect, it } from 'vitest';
import { droppedWithLink, restoreLines, routeWords, type LinkSide } from '../../src/plan/link-restore.js';
import type { InterfaceAddress } from '../../src/topology/model.js';
import type { Route } from '../../src/topology/read.js';
import { iface } from './helpers.js';

const v4 = (address: string, prefix = 24): InterfaceAddress => ({ family: 4, address, prefix, scope: 'global' });
const v6 = (address: string, prefix = 64, scope = 'global'): InterfaceAddress => ({ family: 6, address, prefix, scope });
const route = (family: 4 | 6, dst: string, extra: Partial<Route> = {}): Route => ({ family, dst, dev: 'link1', flags: [], ...extra });

// what the kernel held of the seed's client before `ip link set link1 down`, and after
const before: LinkSide = {
  interfaces: [iface('link1', 'veth', { addresses: [v4('10.0.1.1'), v6('fd00::1'), v6('fe80::1', 64, 'link')] }), iface('link9', 'veth')],
  routes: [
    route(4, '10.0.1.0/24', { protocol: 'kernel', scope: 'link', prefsrc: '10.0.1.1' }),
    route(4, 'default', { gateway: '10.0.1.2' }),
    route(4, '10.9.0.0/16', { gateway: '10.0.1.2', dev: 'link9' }),
    route(6, 'fd00::/64', { protocol: 'kernel', metric: 256 }),
    route(6, 'fd99::/64', { gateway: 'fd00::2', metric: 1024 }),
  ],
};
const after: LinkSide = {
  interfaces: [iface('link1', 'veth', { adminUp: false, addresses: [v4('10.0.1.1')] }), iface('link9', 'veth')],
  routes: [route(4, '10.9.0.0/16', { gateway: '10.0.1.2', dev: 'link9' })],
};

describe('droppedWithLink', () => {
  it('is what the interface lost that the kernel will not bring back: IPv6 addresses, routes not its own', () => {
    expect(droppedWithLink('link1', before, after)).toEqual({
      addresses: [{ address: 'fd00::1', prefix: 64 }],
      routes: [route(4, 'default', { gateway: '10.0.1.2' }), route(6, 'fd99::/64', { gateway: 'fd00::2', metric: 1024 })],
    });
  });

  it('is nothing for an interface that kept everything, or another interface', () => {
    expect(droppedWithLink('link1', before, before)).toEqual({ addresses: [], routes: [] });
    expect(droppedWithLink('link9', before, after)).toEqual({ addresses: [], routes: [] });
  });
});

describe('restoreLines', () => {
  const dropped = droppedWithLink('link1', before, after);

  it('puts back addresses before routes (a gateway is reached through one), only what is missing', () => {
    const upAgain: LinkSide = { interfaces: [iface('link1', 'veth', { addresses: [v4('10.0.1.1'), v6('fe80::1', 64, 'link')] })], routes: [] };
    expect(restoreLines('link1', dropped, upAgain)).toEqual([
      { text: 'addr add fd00::1/64 dev link1 nodad', what: 'address fd00::1/64' },
      { text: 'route add default via 10.0.1.2 dev link1', what: 'route default via 10.0.1.2' },
      { text: 'route add fd99::/64 via fd00::2 dev link1 metric 1024', what: 'route fd99::/64 via fd00::2' },
    ]);
    expect(restoreLines('link1', dropped, before)).toEqual([]);
  });
});

describe('routeWords', () => {
  it('gives ip route add every attribute ip -j printed, and leaves out the defaults', () => {
    expect(routeWords(route(4, '10.1.0.0/16', { gateway: '10.0.1.2', protocol: 'static', scope: 'global', prefsrc: '10.0.1.1', metric: 5, flags: ['onlink'] }))).toBe(
      '10.1.0.0/16 via 10.0.1.2 dev link1 proto static src 10.0.1.1 metric 5 onlink',
    );
    expect(routeWords(route(4, '10.1.0.0/16', { protocol: 'boot', scope: 'link' }))).toBe('10.1.0.0/16 dev link1 scope link');
    // a batch line has no -6 of its own: "default dev link1" alone would be IPv4's default route
    expect(routeWords(route(6, 'default', { metric: 1024 }))).toBe('::/0 dev link1 metric 1024');
    expect(routeWords(route(6, 'default', { gateway: 'fd00::2' }))).toBe('::/0 via fd00::2 dev link1');
  });
});
