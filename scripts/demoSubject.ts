import type { Subject, World } from '../legacy/world';
import type { Department } from '../lib/departments';

/**
 * Which departments' systems hold a record of a subject in the stand-ins' world: what
 * `npm run subjects -- --with …` filters on and what the demo subject must have everywhere.
 * Customs knows few subjects (registered importers and exporters) and finance only borrowers, so a
 * subject picked at random shows those sections as null.
 */
// Keyed by the department table's names (a misspelt one is a type error); a department the world
// does not describe yet is simply not offered to --with.
export const RECORD_IN: Readonly<Partial<Record<Department, (s: Subject) => boolean>>> = {
  market: (s) => s.enterprise !== null,
  tax: (s) => s.tax !== null,
  court: (s) => s.court.dishonest.length + s.court.enforcement.length + s.court.restrictions.length > 0,
  customs: (s) => s.customs !== null,
  finance: (s) => s.finance !== null,
};

/** How far to look before settling for a weaker match (the first candidate of WORLD_SEED=1 is index 1116). */
const SCAN_LIMIT = 50_000;

/**
 * The subject `npm start` and the README demonstrate with: a record in every department, an
 * operating business registered since the 2015 reform, and a loan in good standing — so granting
 * consent visibly changes a bank's `finance` from CONSENT_REQUIRED to a loan balance. Deterministic
 * (the first such subject in index order: 91110101MAAL0CXK0M 北京宇翔装饰工程有限公司 for
 * WORLD_SEED=1 at any WORLD_SIZE from 1117 up); small test worlds fall back to the first borrower,
 * then to subject 0.
 */
export function demoSubject(world: World): Subject {
  const everywhere = (s: Subject) =>
    Object.values(RECORD_IN).every((has) => has(s)) &&
    !s.registeredBefore2015 &&
    (s.enterprise?.status === '存续' || s.enterprise?.status === '在业') &&
    (s.finance?.loanBalanceFen ?? 0) > 0 &&
    s.finance?.overdueFen === 0;
  const scan = Math.min(world.size, SCAN_LIMIT);
  for (const wanted of [everywhere, RECORD_IN.finance!]) {
    for (let i = 0; i < scan; i++) {
      const s = world.subject(i);
      if (wanted(s)) return s;
    }
  }
  return world.subject(0);
}
