import type { Profile } from './profile';

/** What every section generator is given: the world's seed, the subject's profile and identifiers. */
export interface SubjectContext {
  seed: readonly [number, number];
  profile: Profile;
  uscc: string;
  /** 9 characters */
  organizationCode: string;
  /** DJJG, the market regulation office of the subject's division, e.g. 福州市鼓楼区市场监督管理局 */
  marketAuthority: string;
}

/** A later date in the same place of the calendar, e.g. for "published until" (29 Feb → 28 Feb). */
export function addYears(iso: string, years: number): string {
  const shifted = `${Number(iso.slice(0, 4)) + years}${iso.slice(4)}`;
  return shifted.endsWith('-02-29') ? shifted.replace(/-29$/, '-28') : shifted;
}
