import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A memory cgroup that holds a worker to a function's memory, as Lambda holds the function: the
 * kernel takes back the file pages (the node binary's code) under the limit, and kills the process
 * when what it cannot take back (heaps, buffers) goes over it. Needs root and a memory controller
 * (cgroup v2's, or v1's at /sys/fs/cgroup/memory); no swap is counted in either.
 */
/** Its peak usage (page cache included), and whether the kernel killed it for memory. */
export interface CgroupOutcome {
  peakBytes: number;
  oomKilled: boolean;
}

export interface MemoryLimit {
  /** The command, run in the cgroup. */
  wrap(command: readonly string[]): string[];
  /** What the cgroup saw of the process. */
  outcome(): CgroupOutcome;
  remove(): void;
}

const V2_ROOT = '/sys/fs/cgroup';
const V1_ROOT = '/sys/fs/cgroup/memory';

interface Layout {
  root: string;
  limitFiles: string[];
  peakFile: string;
  oomFile: string;
}

function layout(): Layout | undefined {
  const controllers = join(V2_ROOT, 'cgroup.controllers');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('memory')) {
    return { root: V2_ROOT, limitFiles: ['memory.max', 'memory.swap.max'], peakFile: 'memory.peak', oomFile: 'memory.events' };
  }
  if (existsSync(join(V1_ROOT, 'memory.limit_in_bytes'))) {
    return { root: V1_ROOT, limitFiles: ['memory.limit_in_bytes', 'memory.memsw.limit_in_bytes'], peakFile: 'memory.max_usage_in_bytes', oomFile: 'memory.oom_control' };
  }
  return undefined;
}

let made = 0;

/** A new cgroup limited to `bytes`; or why there can be none here. */
export function memoryLimit(bytes: number): MemoryLimit | string {
  const found = layout();
  if (!found) return 'no memory cgroup controller here';
  const directory = join(found.root, `fanout-bench-${process.pid}-${++made}`);
  try {
    mkdirSync(directory);
    for (const file of found.limitFiles) {
      const path = join(directory, file);
      // the swap limit is absent where the kernel counts no swap
      if (!existsSync(path)) continue;
      // v2's swap limit is on top of memory: none
      writeFileSync(path, file === 'memory.swap.max' ? '0' : String(bytes));
    }
  } catch (error) {
    return `cannot make a memory cgroup (${(error as Error).message}); run the bench as root`;
  }
  const procs = join(directory, 'cgroup.procs');
  return {
    wrap: (command) => ['sh', '-c', `echo $$ > ${procs} && exec "$@"`, 'sh', ...command],
    outcome: () => {
      const peak = join(directory, found.peakFile);
      const oom = /^oom_kill (\d+)$/m.exec(readFileSync(join(directory, found.oomFile), 'utf8'));
      return { peakBytes: existsSync(peak) ? Number(readFileSync(peak, 'utf8')) : Number.NaN, oomKilled: Number(oom?.[1] ?? 0) > 0 };
    },
    remove: () => rmdirSync(directory),
  };
}
