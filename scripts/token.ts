import { parseArgs } from 'node:util';
import { isDepartment, isRole, ROLES } from '../lib/auth/consumer';
import { signDevToken } from '../lib/auth/devToken';
import { loadConfigOrExit } from '../lib/config';
import { DEPARTMENTS } from '../lib/departments';
import { checkUscc } from '../lib/ids';

/** `npm run --silent token -- --role ROLE [--org ID] [--subject USCC] [--purpose P] [--department D] [--ttl 1h]`: stdout is the token only. */

const USAGE = `usage: npm run --silent token -- --role ROLE [--org ID] [--subject USCC] [--purpose P] [--department D] [--ttl 1h] [--sub ID]

Prints a development JWT (HS256 with JWT_SECRET) for a consumer of the gateway; stdout is the token only.

  --role ROLE      one of ${ROLES.join(', ')}
  --org ID         the consumer's organization (a bank's grantee id in consents); default ROLE-org,
                   for role subject its USCC
  --subject USCC   role subject: the subject itself (reads all its own data)
  --purpose P      financing (a bank under consent), financial-supervision (government reading FINANCING data)
  --department D   role government: the handler of this department's objections and repairs
                   (${DEPARTMENTS.join(', ')})
  --ttl T          lifetime: 30s, 15m, 1h (default) or 7d
  --sub ID         the token's sub claim; default ROLE:ORG
  -h, --help       this text

examples:
  TOKEN=$(npm run --silent token -- --role government)
  npm run --silent token -- --role bank --org bank-a --purpose financing
  npm run --silent token -- --role government --purpose financial-supervision
  npm run --silent token -- --role auditor --org audit-office
  npm run --silent token -- --role government --org samr-credit --department market
  npm run --silent token -- --role subject --subject 91110101MAAL0CXK0M --ttl 15m
`;

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        role: { type: 'string' },
        org: { type: 'string' },
        subject: { type: 'string' },
        purpose: { type: 'string' },
        department: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        sub: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (e) {
    // an unknown option or a missing value: the usage goes where errors go, never into $(…)
    process.stderr.write(`token: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const values = parseOptions();
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfigOrExit();
  if (config.jwt.kind !== 'secret') fail('JWT_JWKS_URL is set: tokens come from your identity provider, not from here');
  if (!isRole(values.role)) fail(`--role must be one of ${ROLES.join(', ')} (--help for usage)`);
  if (values.subject !== undefined) {
    const checked = checkUscc(values.subject);
    if (!checked.ok) fail(`--subject: ${checked.error.message}`);
  }
  if (values.role === 'subject' && !values.subject) fail('--role subject needs --subject USCC');
  if (values.department !== undefined && (values.role !== 'government' || !isDepartment(values.department))) {
    fail(`--department is for --role government and must be one of ${DEPARTMENTS.join(', ')}`);
  }
  if (!/^\d+[smhd]$/.test(values.ttl)) fail('--ttl must look like 30s, 15m, 1h or 7d');
  const token = await signDevToken(
    { role: values.role, org: values.org, subject: values.subject, purpose: values.purpose, department: values.department, ttl: values.ttl, sub: values.sub },
    config.jwt,
  );
  process.stdout.write(`${token}\n`);
}

void main();
