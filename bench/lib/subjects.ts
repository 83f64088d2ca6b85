import { createWorld, type Subject, type World } from '../../legacy/world';
import { COURT_PAGE_SIZE } from '../../subgraphs/court/legacyClient';
import { MARKET_PENALTY_PAGE_SIZE } from '../../subgraphs/market/legacyClient';

/**
 * Subjects for the scenarios, drawn from the same deterministic world the stand-ins serve.
 * "Cold" is made real by never asking for a subject twice across the whole run (the pool
 * remembers every USCC handed out), whatever caches the gateway or subgraphs may keep.
 */

/** data in all five departments: registered with market, known to tax, court cases, customs and finance records */
export const hasAllFive = (s: Subject) => isRich(s) && s.court.dishonest.length + s.court.enforcement.length + s.court.restrictions.length > 0;

/** registered with market, tax, customs and finance (the court is asked either way, its lists may be empty) */
/** known to every department whose data feeds a credit list (market, tax, court, customs): finance feeds none */
export const hasEveryListDepartment = (s: Subject) =>
  s.enterprise !== null && s.tax !== null && s.customs !== null && s.court.dishonest.length + s.court.enforcement.length + s.court.restrictions.length > 0;
export const isRich = (s: Subject) => s.enterprise !== null && s.tax !== null && s.customs !== null && s.finance !== null;

/**
 * Round trips of the paged lists (market's 行政处罚, the courts' three lists): a list longer than a
 * page costs its first page, which says how many there are, then the rest together.
 */
export const listChain = (s: Subject) =>
  s.penalties.length > MARKET_PENALTY_PAGE_SIZE || [s.court.dishonest, s.court.enforcement, s.court.restrictions].some((l) => l.length > COURT_PAGE_SIZE) ? 2 : 1;

/**
 * The longest chain of legacy round trips one after another in the full profile of a subject asked
 * alone, nothing cached: customs' mapping then its credit CSV for a registered subject, a paged
 * list's first page then the rest; every other look-up is one call (tax asks a lone subject by
 * both its identifiers in one).
 */
export const dependentChain = (s: Subject) => Math.max(s.customs ? 2 : 1, listChain(s));

/** one legacy round trip per department: no customs record (no CSV call after the mapping), no list longer than a page */
export const isSingleHop = (s: Subject) => s.enterprise !== null && s.tax !== null && s.finance !== null && dependentChain(s) === 1;

export class SubjectPool {
  private readonly used = new Set<string>();
  private world: World;
  /** a stride coprime with every world size used spreads picks over the whole index space */
  private static readonly STRIDE = 7919;

  constructor(size: number, readonly seed: number) {
    this.world = createWorld({ size, seed });
  }

  get size(): number {
    return this.world.size;
  }

  /** switch to the world of another size (after the stand-ins restart with it) */
  useWorld(size: number): void {
    if (size !== this.world.size) this.world = createWorld({ size, seed: this.seed });
  }

  subject(index: number): Subject {
    return this.world.subject(index);
  }

  /** up to `n` subjects matching `accept`, never handed out before; fewer when the world has no more */
  take(n: number, accept: (s: Subject) => boolean = () => true): Subject[] {
    const out: Subject[] = [];
    const size = this.world.size;
    for (let k = 0; k < size && out.length < n; k++) {
      const s = this.world.subject((k * SubjectPool.STRIDE + 13) % size);
      if (this.used.has(s.uscc) || !accept(s)) continue;
      this.used.add(s.uscc);
      out.push(s);
    }
    return out;
  }

  /** how many subjects of the current world match (for the report) */
  count(accept: (s: Subject) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.world.size; i++) if (accept(this.world.subject(i))) n++;
    return n;
  }
}
