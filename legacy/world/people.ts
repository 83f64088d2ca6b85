import { citizenIdCheckCharacter } from '../../lib/ids';
import { dayFromIso, isoFromDay } from './dates';
import { Random, WeightedTable } from './prng';
import { pickAnyArea, pickAreaIn } from './regions';
import { FEMALE_GIVEN, MALE_GIVEN, SURNAMES } from './vocabulary';
import type { LegalRepresentative } from './types';

/** Natural persons: a legal representative's name and a valid GB 11643-1999 citizen ID. */

const SURNAME_TABLE = new WeightedTable(SURNAMES);
const EARLIEST_BIRTH = dayFromIso('1950-01-01');
const LATEST_BIRTH = dayFromIso('2001-12-31');

export interface PersonName {
  name: string;
  surname: string;
  sex: 'male' | 'female';
}

export function drawPersonName(random: Random): PersonName {
  const sex = random.chance(0.72) ? 'male' : 'female';
  const pool = sex === 'male' ? MALE_GIVEN : FEMALE_GIVEN;
  const surname = SURNAME_TABLE.pick(random);
  const given = random.chance(0.7) ? random.pick(pool) + random.pick(pool) : random.pick(pool);
  return { name: surname + given, surname, sex };
}

/** Born in the subject's province 70% of the time, anywhere else otherwise. */
export function drawCitizenId(random: Random, person: PersonName, provinceCode: string): string {
  const birthplace = random.chance(0.7) ? pickAreaIn(random, provinceCode) : pickAnyArea(random);
  const birth = isoFromDay(random.between(EARLIEST_BIRTH, LATEST_BIRTH)).replaceAll('-', '');
  // the sequence's last digit is odd for men, even for women
  const sequence = random.int(50) * 2 + (person.sex === 'male' ? 1 : 0) + random.int(10) * 100;
  const first17 = birthplace.code + birth + String(sequence).padStart(3, '0');
  return first17 + citizenIdCheckCharacter(first17);
}

export function drawLegalRepresentative(random: Random, provinceCode: string): LegalRepresentative & PersonName {
  const person = drawPersonName(random);
  return { ...person, idNumber: drawCitizenId(random, person, provinceCode) };
}
