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

export const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

function verdict(f: Figure): string {
  if (!f.target) return '';
  const m = /^([≤≥])\s*([\d.]+)/.exec(f.target);
  if (!m || !Number.isFinite(f.value)) return '';
  const limit = Number(m[2]);
  return (m[1] === '≤' ? f.value <= limit : f.value >= limit) ? 'met' : 'MISSED';
}

function row(f: Figure): string {
  const target = f.target ? `${f.target} ${f.unit} (${verdict(f)})` : '';
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

/** Runs one part; a failure is printed and remembered, and the bench goes on. */
export async function part<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  const started = performance.now();
  console.error(`bench: ${name} … (load ${loadText()})`);
  try {
    const out = await run();
    console.error(`bench: ${name} done in ${fmt((performance.now() - started) / 1000)} s`);
    return out;
  } catch (err) {
    const message = `${name}: ${(err as Error).message.split('\n')[0]}`;
    failures.push(message);
    console.log(`\nbench part FAILED: ${message}`);
    return undefined;
  }
}

export function loadText(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

export function printSummary(): void {
  console.log(
    `\nAll figures (${os.cpus().length} cores, Node ${process.versions.node}, load at the end ${loadText()})\n`,
  );
  console.log(`${HEADER}\n${figures.map(row).join('\n')}`);
  if (failures.length) console.log(`\nParts that failed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
