import { execFile } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../scripts/processes';
import type { Figure, ScenarioResult } from '../lib/context';

/**
 * The synthetic world's own costs at WORLD_SIZE=1,000,000, from bench/world.ts run as it is
 * (its own process, after the stack has stopped so it competes with nothing): generating a
 * subject, the stand-ins' reverse lookups, name search. Informational: SPEC §9 sets no target.
 */

interface Line {
  label: string;
  value: number;
  unit: string;
}

function parse(stdout: string): Line[] {
  const out: Line[] = [];
  let section = '';
  for (const raw of stdout.split('\n')) {
    if (raw.startsWith('searchByName at')) section = `${raw.trim()}: `;
    const m = /^\s*(.+?)\s{2,}([\d.]+) (µs|ms)\b/.exec(raw);
    if (m) out.push({ label: `${raw.startsWith(' ') ? section : ''}${m[1].trim()}`, value: Number(m[2]), unit: m[3] });
  }
  return out;
}

export function worldGeneration(): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'world.ts')], { cwd: ROOT, timeout: 120_000, maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error) return reject(new Error(`bench/world.ts failed: ${error.message.split('\n')[0]}`));
      const lines = parse(stdout);
      const find = (re: RegExp) => lines.find((l) => re.test(l.label));
      const figures: Figure[] = [];
      const add = (id: string, label: string, line: Line | undefined) => {
        if (line) figures.push({ id, label, measured: line.value, unit: line.unit, target: '— (no numeric target)', met: null, note: `bench/world.ts: "${line.label}"` });
      };
      add('world.subjectNotCached', 'World (1,000,000): generating one subject, not cached', find(/^subject\(i\), not cached/));
      add('world.findByUscc', 'World (1,000,000): stand-in lookup by USCC', find(/^findByUscc$/));
      add('world.searchRareFirst', 'World (1,000,000): name search, rare fragment, first call (index built)', find(/1,000,000 subjects: rare fragment .*first call/));
      resolve({ name: 'world', figures, latencies: [], raw: { command: 'npx tsx bench/world.ts', lines, stdout } });
    });
  });
}
