/**
 * Summarises V8 CPU profiles (`node --cpu-prof`, as `bench/load.ts --cpu-prof DIR` writes them
 * for the server) as the functions with the most self time, and the share of busy time (all
 * but `(idle)`) each takes.
 *
 *   node dist/bench/profile-summary.js FILE.cpuprofile [--top 15]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (µs) per function (name, file and line), idle excluded from the busy total. */
export function summarise(profile: CpuProfile): { busyUs: number; totalUs: number; rows: [string, number][] } {
  const nameOf = new Map<number, string>();
  for (const n of profile.nodes) {
    const { functionName, url, lineNumber } = n.callFrame;
    const where = url ? ` ${basename(url)}:${lineNumber + 1}` : '';
    nameOf.set(n.id, `${functionName || '(anonymous)'}${where}`);
  }
  const self = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    const name = nameOf.get(id) ?? '?';
    self.set(name, (self.get(name) ?? 0) + dt);
  });
  const busyUs = totalUs - (self.get('(idle)') ?? 0);
  const rows = [...self].filter(([name]) => name !== '(idle)').sort((a, b) => b[1] - a[1]);
  return { busyUs, totalUs, rows };
}

function main(): void {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' } } });
  for (const file of positionals) {
    const { busyUs, totalUs, rows } = summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    process.stdout.write(`${basename(file)}: ${(totalUs / 1e6).toFixed(2)} s profiled, ${(busyUs / 1e6).toFixed(2)} s busy\n`);
    for (const [name, us] of rows.slice(0, Number(values.top))) {
      process.stdout.write(`  ${((100 * us) / Math.max(1, busyUs)).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
    }
  }
}

main();
