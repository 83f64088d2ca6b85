import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../lib/config';
import { createWorld, type Subject } from '../legacy/world';
import { RECORD_IN } from './demoSubject';

/**
 * `npm run --silent subjects -- [--limit N] [--with finance,customs]`: demo subjects from the
 * stand-ins' world (WORLD_SIZE, WORLD_SEED), one JSON object a line: {"uscc":…,"name":…}. Stdout
 * carries only those lines. The selection takes one subject of each interesting sort — pre-2015
 * with a 注册号, customs-registered, more than a page of court cases, financed, … (as many sorts as
 * the limit allows, in the order listed below) — fills up in index order, and prints in index order.
 * `--with` keeps only subjects of which every named department's system holds a record.
 */

const DEFAULT_LIMIT = 10;
/** how far to look for the sorts below before settling for what was found */
const SCAN_LIMIT = 50_000;

const SORTS: { label: string; matches(s: Subject): boolean }[] = [
  { label: 'enterprise registered since the 2015 reform', matches: (s) => !s.registeredBefore2015 && s.enterprise?.typeText.includes('有限') === true },
  { label: 'registered before 2015 (注册号, old 税务登记号)', matches: (s) => s.registeredBefore2015 && s.registrationNumber !== '' && s.tax !== null },
  { label: 'registered with customs', matches: (s) => s.customs !== null },
  { label: 'more than 20 court cases of one type', matches: (s) => Math.max(s.court.enforcement.length, s.court.dishonest.length, s.court.restrictions.length) > 20 },
  { label: 'loans on the finance platform', matches: (s) => (s.finance?.loanBalanceFen ?? 0) > 0 && s.finance?.overdueFen === 0 },
  { label: 'individual business', matches: (s) => s.enterprise?.typeText === '个体工商户' },
  { label: 'more than 50 penalties', matches: (s) => s.penalties.length > 50 },
  { label: 'dishonest debtor', matches: (s) => s.court.dishonest.length > 0 },
  { label: 'on the abnormal operations list', matches: (s) => s.abnormal.some((a) => a.removedOn === null) },
  { label: 'tax grade A', matches: (s) => s.tax?.ratings.at(-1)?.grade === 'A' },
  { label: 'farmers cooperative', matches: (s) => s.enterprise?.typeText === '农民专业合作社' },
  { label: 'not registered with market (事业单位, 社会组织)', matches: (s) => s.enterprise === null },
  { label: 'major tax violation', matches: (s) => (s.tax?.majorViolations.length ?? 0) > 0 },
  { label: 'overdue loans', matches: (s) => (s.finance?.overdueFen ?? 0) > 0 },
];

const USAGE = `usage: npm run --silent subjects -- [--limit N] [--with ${Object.keys(RECORD_IN).join(',')}]`;

function parseOptions(): { limit: number; wanted: (s: Subject) => boolean } {
  let values: { limit?: string; with?: string };
  try {
    values = parseArgs({ options: { limit: { type: 'string' }, with: { type: 'string' } }, strict: true }).values;
  } catch (error) {
    fail(`${USAGE} (${(error as Error).message})`);
  }
  const raw = values.limit;
  if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1)) fail(`--limit must be a positive whole number, got ${JSON.stringify(raw.slice(0, 40))}`);
  const departments = values.with === undefined ? [] : values.with.split(',').map((d) => d.trim().toLowerCase());
  const unknown = departments.find((d) => !Object.hasOwn(RECORD_IN, d));
  if (unknown !== undefined) fail(`--with takes departments among ${Object.keys(RECORD_IN).join(', ')}; got ${JSON.stringify(unknown.slice(0, 40))}`);
  return {
    limit: raw === undefined ? DEFAULT_LIMIT : Number(raw),
    wanted: (s) => departments.every((d) => RECORD_IN[d as keyof typeof RECORD_IN]!(s)),
  };
}

function fail(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

function main(): void {
  const { limit, wanted } = parseOptions();
  // only the two variables this script reads, validated by the one config schema (SPEC §4)
  const { world: worldOptions } = loadConfigOrExit({ WORLD_SIZE: process.env.WORLD_SIZE, WORLD_SEED: process.env.WORLD_SEED });
  const world = createWorld(worldOptions);
  const count = Math.min(limit, world.size);
  const chosen = new Set<number>();
  const pending = SORTS.slice(0, count);
  for (let i = 0; i < Math.min(world.size, SCAN_LIMIT) && pending.length > 0; i++) {
    const subject = world.subject(i);
    if (!wanted(subject)) continue;
    const sort = pending.findIndex((s) => s.matches(subject));
    if (sort >= 0 && !chosen.has(i)) {
      chosen.add(i);
      pending.splice(sort, 1);
    }
  }
  for (let i = 0; i < Math.min(world.size, SCAN_LIMIT) && chosen.size < count; i++) if (wanted(world.subject(i))) chosen.add(i);
  for (const index of [...chosen].sort((a, b) => a - b)) {
    const subject = world.subject(index);
    const name = subject.enterprise?.name ?? subject.tax?.name ?? subject.customs?.name ?? '';
    process.stdout.write(`${JSON.stringify({ uscc: subject.uscc, name })}\n`);
  }
}

main();
