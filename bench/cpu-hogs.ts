import { spawn } from 'node:child_process';

/**
 * CPU-bound processes beside the network, as on a busy laptop (issue 19: "progress under
 * load"; issue 21: chaos under load). Each spins forever until stopped; all are killed when
 * this process exits, however it exits.
 */
export interface CpuHogs {
  count: number;
  stop(): void;
}

/** `count` from an environment variable such as BENCH_CPU_HOGS: a whole number, 0 when unset. */
export function cpuHogsFromEnv(name: string): number {
  const raw = process.env[name] ?? '0';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0 || count > 64)
    throw new Error(`${name} must be a whole number of processes from 0 to 64, not "${raw}"`);
  return count;
}

export function startCpuHogs(count: number): CpuHogs {
  const hogs = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const stop = () => hogs.forEach((h) => h.kill('SIGKILL'));
  process.on('exit', stop);
  return { count, stop };
}
