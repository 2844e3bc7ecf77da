import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/process.js';
import { startTestbed } from '../src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Running, as opposed to gone or a zombie: an orphaned server's exit leaves a zombie where
 * the machine's init does not reap (as in some containers), and a zombie holds no port or memory.
 */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntilGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(100);
  return pids.filter(isAlive);
}

describe('test bed life cycle', () => {
  it('stop() ends the servers it started', async () => {
    const testbed = await startTestbed(['redis', 'memcached']);
    const pids = Object.values(testbed.pids) as number[];
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);
    await testbed.stop();
    expect(await waitUntilGone(pids, 5_000)).toEqual([]);
  });

  it('leaves no server behind when the process that started it is killed outright', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--only', 'redis,memcached'], {
      cwd: packageDir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
    const started = JSON.parse(line) as { pid: number; pids: Record<string, number> };
    const pids = Object.values(started.pids);
    expect(pids).toHaveLength(2);
    expect(pids.every(isAlive)).toBe(true);

    process.kill(started.pid, 'SIGKILL');
    expect(await waitUntilGone(pids, 15_000)).toEqual([]);
  });

  it('names what is missing and how to install it when a server cannot start', async () => {
    const saved = process.env.FANOUT_MOTO_SERVER;
    process.env.FANOUT_MOTO_SERVER = '/nonexistent/moto_server';
    try {
      await expect(startTestbed(['aws'])).rejects.toThrow(/moto_server not found at \/nonexistent\/moto_server: run scripts\/setup/);
    } finally {
      if (saved === undefined) delete process.env.FANOUT_MOTO_SERVER;
      else process.env.FANOUT_MOTO_SERVER = saved;
    }
  });
});
