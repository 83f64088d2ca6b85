/**
 * The departments, listed once. Everything else derives from this table, as graphql-js derives
 * its rule list from `specifiedRules`: the `Department` type, SPEC §4's port order, each
 * department's configuration variables (`<DEPT>_TIMEOUT_MS`, …, its credentials), the GraphQL
 * `Department` enum of the shared SDL header, the display names in errors, and the sections of
 * `Subject` the bench and the tests ask for. A sixth department is one entry here, its own
 * `subgraphs/<name>/` and `legacy/<name>/` folders, and one line in `subgraphs/registry.ts` and
 * `legacy/standIns.ts` (test/sixthDepartment.test.ts proves it).
 */

/** How each department's system is called and its answers kept (defaults below, env overrides). */
export interface DepartmentPolicy {
  /** deadline of one legacy call, retries included (`<DEPT>_TIMEOUT_MS`) */
  timeoutMs: number;
  /** extra attempts for idempotent reads (`<DEPT>_RETRIES`) */
  retries: number;
  /** answers younger than this are served from the cache (`<DEPT>_CACHE_TTL_SECONDS`) */
  cacheTtlSeconds: number;
  /** oldest copy served, marked stale, when the system fails (`<DEPT>_MAX_STALE_SECONDS`) */
  maxStaleSeconds: number;
  /** how long an open circuit waits before letting a trial call through (`<DEPT>_BREAKER_RESET_MS`) */
  breakerResetMs: number;
  /**
   * only for a department that knows subjects by its own identifier, looked up from the USCC in a
   * registry first (customs' 海关编码): how long a found mapping is served from the cache
   * (`<DEPT>_IDENTIFIER_TTL_SECONDS`). An identifier is assigned once and almost never changes, so
   * it outlives the records; "not registered" keeps `cacheTtlSeconds`, so an enterprise registering
   * later is seen as soon as the records would be.
   */
  identifierTtlSeconds?: number;
}

export interface DepartmentEntry {
  /** as clients read it in DEPARTMENT_UNAVAILABLE messages */
  displayName: string;
  /** default policy; each value overridable by its `<DEPT>_…` variable */
  policy: DepartmentPolicy;
  /** the legacy system's credentials: the adapter's option name → the variable it is read from ('dev' when unset) */
  credentials: Readonly<Record<string, string>>;
  /** the fields of `Subject` this department's subgraph answers */
  sections: readonly string[];
}

/**
 * In SPEC §4 port order: the subgraphs are platform +1, then these +2…; the stand-ins these +1….
 * Policies: registrations and court lists change rarely within minutes; finance balances move
 * daily and are the most sensitive to staleness; customs classes change a few times a year, and
 * the 海关编码 a USCC maps to is an identifier registry's entry, kept a day.
 */
export const DEPARTMENT_TABLE = {
  market: {
    displayName: 'market regulation (市场监管)',
    policy: { timeoutMs: 2000, retries: 1, cacheTtlSeconds: 300, maxStaleSeconds: 86_400, breakerResetMs: 5000 },
    credentials: { apiKey: 'MARKET_API_KEY' },
    sections: ['registration', 'marketSupervision'],
  },
  tax: {
    displayName: 'tax (税务)',
    policy: { timeoutMs: 3000, retries: 1, cacheTtlSeconds: 600, maxStaleSeconds: 86_400, breakerResetMs: 5000 },
    credentials: { user: 'TAX_USER', password: 'TAX_PASSWORD' },
    sections: ['tax'],
  },
  court: {
    displayName: 'courts (法院)',
    policy: { timeoutMs: 3000, retries: 1, cacheTtlSeconds: 300, maxStaleSeconds: 21_600, breakerResetMs: 5000 },
    // the courts' public enforcement query needs none
    credentials: {},
    sections: ['judicial'],
  },
  customs: {
    displayName: 'customs (海关)',
    policy: { timeoutMs: 3000, retries: 1, cacheTtlSeconds: 3600, maxStaleSeconds: 604_800, breakerResetMs: 5000, identifierTtlSeconds: 86_400 },
    credentials: { user: 'CUSTOMS_USER', password: 'CUSTOMS_PASSWORD' },
    sections: ['customs'],
  },
  finance: {
    displayName: 'finance credit-information sharing platform (金融信用信息共享平台)',
    policy: { timeoutMs: 2000, retries: 1, cacheTtlSeconds: 60, maxStaleSeconds: 3600, breakerResetMs: 5000 },
    credentials: { appId: 'FINANCE_APP_ID', appSecret: 'FINANCE_APP_SECRET' },
    sections: ['finance'],
  },
  // sixth-department anchor: test/sixthDepartment.test.ts inserts a toy entry above this line
} as const satisfies Record<string, DepartmentEntry>;

type Table = typeof DEPARTMENT_TABLE;
export type Department = keyof Table;
export const DEPARTMENTS = Object.keys(DEPARTMENT_TABLE) as Department[];

/** The department's value of the GraphQL `Department` enum, and the prefix of its variables: `MARKET`. */
export function departmentConstant<D extends Department>(department: D): Uppercase<D> {
  return department.toUpperCase() as Uppercase<D>;
}

/** Each department's credentials as read from the environment: `credentials.market.apiKey`, … */
export type DepartmentCredentials = { [D in Department]: { [K in keyof Table[D]['credentials']]: string } };

export type Section = Table[Department]['sections'][number];
/** every department section of `Subject`, in table order */
export const SECTIONS: readonly Section[] = DEPARTMENTS.flatMap((d) => DEPARTMENT_TABLE[d].sections);

/** `enum Department { MARKET … }` for the SDL header every department subgraph shares (lib/subgraph/loadTypeDefs.ts). */
export function departmentEnumSdl(): string {
  return `enum Department {\n${DEPARTMENTS.map((d) => `  ${departmentConstant(d)}\n`).join('')}}\n`;
}
