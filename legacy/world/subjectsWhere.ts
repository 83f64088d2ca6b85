import type { Subject, World } from './types';

/**
 * The first subjects of the world, in index order, that match — how tests, the demo list and the
 * benchmarks pick the subjects they need. Throws, naming what was sought, when the world holds
 * too few.
 */
export function subjectsWhere(world: World, predicate: (s: Subject) => boolean, options: { count?: number; what?: string; skip?: number } = {}): Subject[] {
  const count = options.count ?? 1;
  let skip = options.skip ?? 0;
  const found: Subject[] = [];
  for (let i = 0; i < world.size && found.length < count; i++) {
    const s = world.subject(i);
    if (!predicate(s)) continue;
    if (skip > 0) skip -= 1;
    else found.push(s);
  }
  if (found.length < count) throw new Error(`the world (${world.size} subjects) has fewer than ${count} ${options.what ?? 'subjects of that kind'}`);
  return found;
}

export function subjectWhere(world: World, predicate: (s: Subject) => boolean, what?: string): Subject {
  return subjectsWhere(world, predicate, { what })[0]!;
}
