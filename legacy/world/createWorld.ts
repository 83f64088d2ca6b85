import { composeUscc, registrationNumberCheckDigit } from '../../lib/ids';
import { IdentifierCodec, MAX_WORLD_SIZE } from './codec';
import type { SubjectContext } from './context';
import { courtRecord } from './court';
import { customsRecord } from './customs';
import { financeRecord } from './finance';
import { abnormalRecords, enterpriseRecord, penaltyRecords } from './market';
import { NameIndex } from './nameIndex';
import { seedWords } from './prng';
import { drawProfile } from './profile';
import { locality } from './regions';
import { taxRecord } from './tax';
import type { Subject, World, WorldOptions } from './types';

/**
 * The synthetic world: `subject(i)` is a pure function of (seed, i), regenerated on demand, and
 * every reverse lookup decodes the index from the identifier (see codec.ts), regenerates that
 * subject and compares the whole identifier, so near-misses and out-of-range codes find nothing.
 * Subjects are deeply frozen: stand-ins share them, and a recently used one may be served again
 * from a small cache.
 */

const CACHE_SIZE = 512;

function validSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_WORLD_SIZE) {
    throw new RangeError(`createWorld: options.size must be an integer from 1 to ${MAX_WORLD_SIZE}, got ${String(size)}`);
  }
  return size;
}

function validSeed(seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`createWorld: options.seed must be a non-negative safe integer, got ${String(seed)}`);
  }
  return seed;
}

function deepFreeze<T extends object>(value: T): T {
  Object.freeze(value);
  for (const key in value) {
    const child: unknown = value[key];
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return value;
}

export function createWorld(options: WorldOptions): World {
  if (typeof options !== 'object' || options === null) throw new TypeError('createWorld: options must be an object { size, seed }');
  const size = validSize(options.size);
  const seed = validSeed(options.seed);
  const words = seedWords(seed);
  const codec = new IdentifierCodec(words);
  const cache = new Map<number, Subject>();

  function generate(index: number): Subject {
    const profile = drawProfile(words, index);
    const organizationBody = codec.organizationBody(index, profile.registeredBefore2015 ? null : profile.newStylePrefix);
    const uscc = composeUscc({
      registrationAuthority: profile.registrationAuthority,
      entityType: profile.entityType,
      divisionCode: profile.region.code,
      organizationBody,
    });
    const ctx: SubjectContext = {
      seed: words,
      profile,
      uscc,
      organizationCode: uscc.slice(8, 17),
      marketAuthority: `${locality(profile.region)}市场监督管理局`,
    };
    // only market-registered subjects had a 注册号; the reform replaced it with the USCC
    const first14 = profile.region.code + codec.registrationSequence(index);
    const registrationNumber = profile.market && profile.registeredBefore2015 ? first14 + registrationNumberCheckDigit(first14) : '';
    return deepFreeze({
      index,
      uscc,
      organizationCode: ctx.organizationCode,
      registeredBefore2015: profile.registeredBefore2015,
      registrationNumber,
      enterprise: profile.market ? enterpriseRecord(ctx) : null,
      abnormal: profile.market ? abnormalRecords(ctx) : [],
      penalties: profile.market ? penaltyRecords(ctx) : [],
      tax: taxRecord(ctx),
      court: courtRecord(ctx),
      customs: customsRecord(ctx, codec),
      finance: financeRecord(ctx),
    });
  }

  function subject(index: number): Subject {
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new RangeError(`world.subject: index must be an integer from 0 to ${size - 1}, got ${String(index)}`);
    }
    const cached = cache.get(index);
    if (cached) {
      cache.delete(index);
      cache.set(index, cached);
      return cached;
    }
    const fresh = generate(index);
    cache.set(index, fresh);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return fresh;
  }

  /** The subject a decoded index names, if the index is in this world and `matches` its data. */
  function confirm(index: number | undefined, matches: (s: Subject) => boolean): Subject | undefined {
    if (index === undefined || index >= size) return undefined;
    const candidate = subject(index);
    return matches(candidate) ? candidate : undefined;
  }

  const byOrganizationCode = (code9: string, matches: (s: Subject) => boolean): Subject | undefined =>
    confirm(codec.indexOfOrganizationBody(code9.slice(0, 8)), (s) => s.organizationCode === code9 && matches(s));

  const names = new NameIndex({
    size,
    nameOf(index) {
      const profile = drawProfile(words, index);
      return profile.market ? profile.name : null;
    },
  });

  return {
    size,
    seed,
    subject,
    findByUscc(uscc) {
      if (typeof uscc !== 'string' || uscc.length !== 18) return undefined;
      return byOrganizationCode(uscc.slice(8, 17), (s) => s.uscc === uscc);
    },
    findByRegistrationNumber(registrationNumber) {
      if (typeof registrationNumber !== 'string' || registrationNumber.length !== 15) return undefined;
      return confirm(codec.indexOfRegistrationSequence(registrationNumber.slice(6, 14)), (s) => s.registrationNumber === registrationNumber);
    },
    findByTaxpayerId(taxpayerId) {
      if (typeof taxpayerId !== 'string') return undefined;
      // 18 characters: a USCC; 15: the old 税务登记号 (division + organization code)
      const code9 = taxpayerId.length === 18 ? taxpayerId.slice(8, 17) : taxpayerId.length === 15 ? taxpayerId.slice(6, 15) : undefined;
      return code9 === undefined ? undefined : byOrganizationCode(code9, (s) => s.tax?.taxpayerId === taxpayerId);
    },
    findByOrganizationCode(code) {
      if (typeof code !== 'string' || code.length !== 10 || code[8] !== '-') return undefined;
      return byOrganizationCode(code.slice(0, 8) + code[9], () => true);
    },
    findByCustomsCode(customsCode) {
      if (typeof customsCode !== 'string' || customsCode.length !== 10) return undefined;
      return confirm(codec.indexOfCustomsTail(customsCode.slice(4)), (s) => s.customs?.customsCode === customsCode);
    },
    searchByName(fragment, limit) {
      if (typeof fragment !== 'string') throw new TypeError('world.searchByName: fragment must be a string');
      if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`world.searchByName: limit must be a non-negative integer, got ${String(limit)}`);
      return names.search(fragment, limit).map(subject);
    },
  };
}
