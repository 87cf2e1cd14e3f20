import fs from 'node:fs';

export interface ProcessCpu {
  kind: 'host' | 'node' | 'anvil' | 'other';
  seconds: number;
}

/** CPU (user + system) of a process and each of its descendants so far, from /proc; null elsewhere. */
export function processTreeCpu(root: number): ProcessCpu[] | null {
  if (process.platform !== 'linux') return null;
  const ticksPerSecond = 100; // USER_HZ on Linux
  const found: ProcessCpu[] = [];
  const visit = (pid: number) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const kind =
        pid === root
          ? 'host'
          : cmdline.includes('anvil')
            ? 'anvil'
            : /nodes[/\\]main\.(mjs|ts)/.test(cmdline)
              ? 'node'
              : 'other';
      found.push({ kind, seconds: (Number(fields[11]) + Number(fields[12])) / ticksPerSecond });
      const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
      for (const child of children ? children.split(/\s+/) : []) visit(Number(child));
    } catch {
      // the process ended while we looked
    }
  };
  visit(root);
  return found;
}

/** "host 1.23 s, anvil 0.31 s, 7 nodes 5.60 s (0.71–0.90 each)". */
export function describeCpu(cpu: ProcessCpu[]): string {
  const sum = (kind: ProcessCpu['kind']) => cpu.filter((p) => p.kind === kind).reduce((s, p) => s + p.seconds, 0);
  const nodes = cpu.filter((p) => p.kind === 'node').map((p) => p.seconds);
  const parts = [`host ${sum('host').toFixed(2)} s`, `anvil ${sum('anvil').toFixed(2)} s`];
  if (nodes.length)
    parts.push(
      `${nodes.length} nodes ${sum('node').toFixed(2)} s (${Math.min(...nodes).toFixed(2)}–${Math.max(...nodes).toFixed(2)} each)`,
    );
  if (cpu.some((p) => p.kind === 'other')) parts.push(`other ${sum('other').toFixed(2)} s`);
  return parts.join(', ');
}
