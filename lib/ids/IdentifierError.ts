/**
 * The one error every identifier rule throws. `rule` is a short, stable machine name that callers
 * may switch on; `message` is one English sentence for humans naming the rule and what was
 * expected. Messages quote at most ~40 characters of the input (see `quote`), so a hostile
 * megabyte-long "code" never ends up in a response or a log line.
 */

export type IdentifierName = 'USCC' | 'ORGANIZATION_CODE' | 'REGISTRATION_NUMBER' | 'CITIZEN_ID' | 'CUSTOMS_CODE' | 'DIVISION_CODE';

export type IdentifierRule =
  /** not a string */
  | 'type'
  | 'length'
  /** a character outside the identifier's character set (including lower case, full-width, look-alikes, whitespace) */
  | 'charset'
  /** the shape around the characters, e.g. the hyphen of `XXXXXXXX-C` */
  | 'format'
  /** USCC position 1 is not a GB 32100-2015 registration authority */
  | 'registrationAuthority'
  /** USCC positions 1-2 are not a GB 32100-2015 (authority, entity type) pair */
  | 'entityType'
  /** the GB/T 2260 administrative division does not exist */
  | 'division'
  /** a citizen ID's birth date is not a real, past date */
  | 'date'
  /** the identifier's own check character is wrong */
  | 'check'
  /** the GB 11714 organization code embedded in a USCC (positions 9-17) has a wrong check character */
  | 'organizationCode';

export interface IdentifierErrorOptions {
  identifier: IdentifierName;
  rule: IdentifierRule;
  message: string;
  /** 1-based position (in characters) of the offending character, when one is to blame */
  position?: number;
}

export class IdentifierError extends Error {
  override readonly name = 'IdentifierError';
  readonly identifier: IdentifierName;
  readonly rule: IdentifierRule;
  readonly position: number | undefined;

  constructor(options: IdentifierErrorOptions) {
    super(options.message);
    this.identifier = options.identifier;
    this.rule = options.rule;
    this.position = options.position;
  }
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; error: IdentifierError };

/** Runs a throwing parser and folds an IdentifierError into a result; any other error is a bug and propagates. */
export function toCheckResult<T>(parse: () => T): CheckResult<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof IdentifierError) return { ok: false, error };
    throw error;
  }
}
