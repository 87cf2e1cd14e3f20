import os from 'node:os';

/**
 * The bench's figures, each printed the moment its part completes (a later part that fails
 * loses nothing already measured), each beside its target and, for signing, beside what one
 * process signing with @noble/curves does. The whole table is printed again at the end.
 */
export interface Figure {
  part: string;
  name: string;
  value: number;
  unit: string;
  /** "≤ 8", "≥ 100"; empty when the issue sets none. */
  target?: string;
  /** The single-process @noble/curves figure this compares with, in the same unit. */
  baseline?: number;
  detail?: string;
}

const figures: Figure[] = [];
const failures: string[] = [];
const skipped: string[] = [];

export const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

function verdict(f: Figure): string {
  if (!f.target) return '';
  const m = /^([≤≥])\s*([\d.]+)/.exec(f.target);
  if (!m || !Number.isFinite(f.value)) return '';
  const limit = Number(m[2]);
  return (m[1] === '≤' ? f.value <= limit : f.value >= limit) ? 'met' : 'MISSED';
}

function row(f: Figure): string {
  const target = f.target ? `${f.target} ${f.unit} (${verdict(f)})` : '—';
  const base = f.baseline === undefined ? '' : `${fmt(f.baseline, 2)} ${f.unit}`;
  return `| ${f.part} | ${f.name} | ${fmt(f.value, f.value < 10 ? 2 : 1)} ${f.unit} | ${target} | ${base} | ${f.detail ?? ''} |`;
}

const HEADER = '| part | figure | measured | target | one process, @noble/curves | detail |\n|---|---|---|---|---|---|';

/** Prints the figures of a part now (stdout), and keeps them for the summary. */
export function report(part: Figure['part'], rows: Omit<Figure, 'part'>[]): void {
  const done = rows.map((r) => ({ ...r, part }));
  figures.push(...done);
  console.log(`\n${HEADER}\n${done.map(row).join('\n')}`);
}

/**
 * Runs one part; a failure is printed and remembered, and the bench goes on. A part still
 * running after `timeoutMs` is reported as timed out and left behind (`timedOut` says so: a
 * caller that cannot go on beside it stops the bench).
 */
export async function part<T>(
  name: string,
  run: () => Promise<T>,
  timeoutMs = Infinity,
): Promise<{ value: T | undefined; timedOut: boolean }> {
  const started = performance.now();
  console.error(`bench: ${name} … (load ${loadText()})`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  try {
    const out = await Promise.race([run().then((value) => ({ value })), timedOut]);
    if (out === 'timed out') {
      fail(`${name}: timed out after ${fmt(timeoutMs / 1000, 0)} s (load ${loadText()})`);
      return { value: undefined, timedOut: true };
    }
    console.error(`bench: ${name} done in ${fmt((performance.now() - started) / 1000)} s`);
    return { value: out.value, timedOut: false };
  } catch (err) {
    fail(`${name}: ${(err as Error).message.split('\n')[0]}`);
    return { value: undefined, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

/** A part that cannot run here: printed, with the reason, and listed in the summary. */
export function skip(name: string, reason: string): void {
  skipped.push(`${name}: ${reason}`);
  console.log(`\nbench part SKIPPED: ${name}: ${reason}`);
}

function fail(message: string): void {
  failures.push(message);
  console.log(`\nbench part FAILED: ${message}`);
}

/** The first line of a run: when, where, how busy the machine is, and what was added to it. */
export function printHeader(cpuHogs: number): void {
  console.log(
    `Litbox bench, ${new Date().toISOString()}, ${os.cpus().length} cores, Node ${process.versions.node}, load ${loadText()}, ${cpuHogs} CPU-bound processes beside (BENCH_CPU_HOGS)`,
  );
  cpuHogsBeside = cpuHogs;
}

let cpuHogsBeside = 0;
let summaryPrinted = false;

/**
 * The summary is printed however the bench ends: at the end, on Ctrl-C or SIGTERM, on an
 * uncaught exception; `cleanUp` (stopping what the bench started) runs first, for at most 30 s.
 * A promise rejected with nobody waiting (a stray request of a part that was left behind) is
 * reported and the bench goes on.
 */
export function printSummaryOnAnyExit(cleanUp: () => Promise<void>): void {
  process.on('exit', () => printSummary());
  let ending = false;
  const end = (message: string, code: number) => {
    fail(message);
    if (ending) process.exit(code); // a second Ctrl-C: at once
    ending = true;
    const limit = setTimeout(() => process.exit(code), 30_000);
    void cleanUp()
      .catch(() => undefined)
      .finally(() => {
        clearTimeout(limit);
        process.exit(code);
      });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => end(`the bench was stopped (${signal})`, signal === 'SIGINT' ? 130 : 143));
  process.on('uncaughtException', (err) => end(`uncaught: ${err.stack ?? err.message}`, 1));
  process.on('unhandledRejection', (reason) => {
    console.error(
      `bench: a promise failed with nobody waiting: ${reason instanceof Error ? reason.message : String(reason)}`,
    );
  });
}

export function loadText(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function printSummary(): void {
  if (summaryPrinted) return;
  summaryPrinted = true;
  console.log(
    `\nAll figures (${os.cpus().length} cores, Node ${process.versions.node}, ${cpuHogsBeside} CPU-bound processes beside, load at the end ${loadText()})\n`,
  );
  console.log(`${HEADER}\n${figures.map(row).join('\n')}`);
  if (failures.length) console.log(`\nParts that failed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
  if (skipped.length) console.log(`\nParts skipped:\n${skipped.map((f) => `- ${f}`).join('\n')}`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
