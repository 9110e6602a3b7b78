import { spawnSync } from 'node:child_process';
import { uniqueName } from './kernel.js';

export const TEST_IMAGE = process.env.CHAINMAIL_TEST_IMAGE ?? 'chainmail-test:busybox';

/** Whether the engine and the offline test image are there. */
export function dockerReady(): boolean {
  const v = spawnSync('docker', ['image', 'inspect', TEST_IMAGE], { encoding: 'utf8' });
  return v.status === 0;
}

/**
 * In CI (scripts/test.sh sets CHAINMAIL_REQUIRE_DOCKER=1) a missing engine is
 * a failure, not a skip: the Docker tests must really run there.
 */
export function dockerRequired(): boolean {
  return process.env.CHAINMAIL_REQUIRE_DOCKER === '1';
}

export function docker(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout.trim(), stderr: r.stderr.trim() };
}

/** A running container of the test image with no network, as the seed story runs them. */
export function runContainer(prefix: string, extra: readonly string[] = []): string {
  const name = uniqueName(prefix);
  const r = docker(['run', '-d', '--name', name, '--net=none', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW', ...extra, TEST_IMAGE]);
  if (r.code !== 0) throw new Error(`docker run ${name} failed: ${r.stderr}`);
  return name;
}

export function removeContainers(names: readonly string[]): void {
  if (names.length) docker(['rm', '-f', ...names]);
}

/** The pid of a container's first process; 0 when it is not running or does not exist. */
export function containerPid(name: string): number {
  const r = docker(['inspect', '-f', '{{.State.Pid}}', name]);
  return r.code === 0 ? Number(r.stdout) || 0 : 0;
}

/** Whether the container exists and is running. */
export function containerRunning(name: string): boolean {
  const r = docker(['inspect', '-f', '{{.State.Running}}', name]);
  return r.code === 0 && r.stdout === 'true';
}

/**
 * `ip -j ARGS` inside a running container's network namespace, entered from
 * the host (`nsenter -t PID -n`), parsed: independent of chainmail's readers.
 */
export function containerIpJson<T = unknown>(name: string, args: readonly string[]): T {
  const pid = containerPid(name);
  if (pid <= 0) throw new Error(`container ${name} is not running`);
  const r = spawnSync('nsenter', ['-t', String(pid), '-n', 'ip', '-j', ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`nsenter -t ${pid} -n ip -j ${args.join(' ')} failed: ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : []) as T;
}
