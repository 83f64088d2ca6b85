import type { Department } from '../config';
import { departmentConstant } from '../departments';
import type { Fetched } from '../legacy/sectionLoader';

/** Provenance of a section (SPEC §5 `source`): which system, fetched when, stale or not. */
export interface SourceValue {
  department: Uppercase<Department>;
  system: string;
  fetchedAt: string;
  stale: boolean;
}

export function sourceOf(department: Department, system: string, fetched: Pick<Fetched<unknown>, 'fetchedAt' | 'stale'>): SourceValue {
  return { department: departmentConstant(department), system, fetchedAt: fetched.fetchedAt, stale: fetched.stale };
}
