/**
 * The UI watches every namespace with a long-lived monitor. Such a monitor
 * must not keep anything else alive: when a container dies while the UI
 * watches some named namespace, the container's veth peers must go with it,
 * as they do with no UI open (the seed story's "firewall killed, page
 * unreachable" depends on it).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NamespaceMonitors } from '../../src/watch/namespace-monitor.js';
import { chainmail, eventually, isRoot, linkNames, Scratch } from '../support/kernel.js';
import { dockerReady, dockerRequired, removeContainers, runContainer } from '../support/docker.js';

const scratch = new Scratch();
const containers: string[] = [];
let monitors: NamespaceMonitors | undefined;
afterEach(async () => {
  monitors?.stop();
  removeContainers(containers.splice(0));
  await scratch.cleanup();
});

const READY = isRoot && dockerReady();

describe.skipIf(!READY && !dockerRequired())('a monitored named namespace and a killed container', () => {
  it("the killed container's veth peer vanishes while a monitor watches another namespace", async () => {
    const watched = scratch.netns('mw');
    const peer = scratch.netns('mp');
    const container = runContainer('cmt-pin');
    containers.push(container);
    const link = chainmail(['koko', '-d', `${container},pin1`, '-n', `${peer},pin2`]);
    expect(link.code, link.stderr).toBe(0);

    // a monitor started after the container: it sees the host's mounts as they are now,
    // including the engine's mount of the container's namespace
    monitors = new NamespaceMonitors(() => undefined);
    expect(monitors.sync([{ kind: 'netns', label: watched, path: `/var/run/netns/${watched}`, netnsName: watched }])).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 300));

    const kill = chainmail(['kill', container]);
    expect(kill.code, kill.stdout + kill.stderr).toBe(0);
    const names = await eventually(
      () => linkNames(peer),
      (n) => !n.includes('pin2'),
      8000,
    );
    expect(names).not.toContain('pin2');
  });
});
