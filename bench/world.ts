import { performance } from 'node:perf_hooks';
import { createWorld, type Subject, type World } from '../legacy/world';

/**
 * `npx tsx bench/world.ts`: what the synthetic world costs at WORLD_SIZE=1,000,000 — generating
 * one subject, each reverse lookup (on a second world with the same seed, so no lookup is served
 * from the first one's cache), and name search at 10,000 and 1,000,000 subjects.
 */

const SIZE = 1_000_000;
const SEED = 1;
const SAMPLE = 20_000;

function microseconds(totalMs: number, n: number): string {
  return `${((totalMs * 1000) / n).toFixed(1)} µs`;
}

function measure(label: string, n: number, run: (i: number) => unknown): void {
  const start = performance.now();
  for (let i = 0; i < n; i++) run(i);
  console.log(`${label.padEnd(48)} ${microseconds(performance.now() - start, n)} per call (${n} calls)`);
}

function timeOnce<T>(label: string, run: () => T): T {
  const start = performance.now();
  const result = run();
  console.log(`${label.padEnd(48)} ${(performance.now() - start).toFixed(1)} ms`);
  return result;
}

/** indices spread over the whole world, none repeated (the cache holds only recent subjects) */
const spread = (i: number): number => (i * 7_919 + 13) % SIZE;

function lookups(subjects: Subject[]): void {
  const fresh = (): World => createWorld({ size: SIZE, seed: SEED });
  const pick = <T>(ids: (T | undefined)[]): T[] => ids.filter((x): x is T => x !== undefined && x !== '');
  const cases: [string, string[], (w: World, id: string) => unknown][] = [
    ['findByUscc', subjects.map((s) => s.uscc), (w, id) => w.findByUscc(id)],
    ['findByOrganizationCode (XXXXXXXX-C)', subjects.map((s) => `${s.organizationCode.slice(0, 8)}-${s.organizationCode[8]}`), (w, id) => w.findByOrganizationCode(id)],
    ['findByRegistrationNumber', pick(subjects.map((s) => s.registrationNumber)), (w, id) => w.findByRegistrationNumber(id)],
    ['findByTaxpayerId', pick(subjects.map((s) => s.tax?.taxpayerId)), (w, id) => w.findByTaxpayerId(id)],
    ['findByCustomsCode', pick(subjects.map((s) => s.customs?.customsCode)), (w, id) => w.findByCustomsCode(id)],
  ];
  for (const [label, ids, find] of cases) {
    const world = fresh();
    measure(`${label}`, ids.length, (i) => {
      if (!find(world, ids[i])) throw new Error(`${label} did not find ${ids[i]}`);
    });
  }
  const world = fresh();
  measure('findByUscc, unknown code (decode + regenerate)', subjects.length, (i) => world.findByUscc(`${subjects[i].uscc.slice(0, 17)}0`));
}

function search(size: number): void {
  const world = createWorld({ size, seed: SEED });
  const rareName = world.subject(size - 1).enterprise?.name ?? world.subject(size - 2).enterprise!.name;
  console.log(`searchByName at ${size.toLocaleString('en')} subjects`);
  timeOnce('  "有限公司", first 10 (index built lazily)', () => world.searchByName('有限公司', 10));
  timeOnce(`  rare fragment "${rareName}", first call`, () => world.searchByName(rareName, 10));
  timeOnce('  same rare fragment, second call', () => world.searchByName(rareName, 10));
  timeOnce('  fragment nobody has ("不存在的名字")', () => world.searchByName('不存在的名字', 10));
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`  heap after full index: ${heap.toFixed(0)} MB`);
}

function main(): void {
  console.log(`world bench: WORLD_SIZE=${SIZE.toLocaleString('en')}, seed ${SEED}, node ${process.version}`);
  const world = createWorld({ size: SIZE, seed: SEED });
  for (let i = 0; i < 2_000; i++) world.subject(spread(SIZE - 1 - i)); // warm up the JIT
  const subjects: Subject[] = [];
  measure('subject(i), not cached', SAMPLE, (i) => subjects.push(world.subject(spread(i))));
  measure('subject(i), cached (same index again)', SAMPLE, () => world.subject(spread(SAMPLE - 1)));
  lookups(subjects);
  search(10_000);
  search(SIZE);
}

main();
