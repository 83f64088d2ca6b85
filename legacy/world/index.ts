export { createWorld } from './createWorld';
export { subjectWhere, subjectsWhere } from './subjectsWhere';
export { MAX_WORLD_SIZE } from './codec';
export { WORLD_TODAY, REPORT_YEARS } from './dates';
export type * from './types';
