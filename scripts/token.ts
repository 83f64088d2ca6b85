import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../lib/auth/consumer';
import { signDevToken } from '../lib/auth/devToken';
import { loadConfigOrExit } from '../lib/config';
import { checkUscc } from '../lib/ids';

/** `npm run --silent token -- --role ROLE [--org ID] [--subject USCC] [--purpose P] [--ttl 1h]`: stdout is the token only. */
function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (config.jwt.kind !== 'secret') fail('JWT_JWKS_URL is set: tokens come from your identity provider, not from here');
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        org: { type: 'string' },
        subject: { type: 'string' },
        purpose: { type: 'string' },
        ttl: { type: 'string', default: '1h' },
        sub: { type: 'string' },
      },
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (!isRole(values.role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  if (values.subject !== undefined) {
    const checked = checkUscc(values.subject);
    if (!checked.ok) fail(`--subject: ${checked.error.message}`);
  }
  if (values.role === 'subject' && !values.subject) fail('--role subject needs --subject USCC');
  if (!/^\d+[smhd]$/.test(values.ttl!)) fail('--ttl must look like 30s, 15m, 1h or 7d');
  const token = await signDevToken(
    { role: values.role, org: values.org, subject: values.subject, purpose: values.purpose, ttl: values.ttl, sub: values.sub },
    config.jwt,
  );
  process.stdout.write(`${token}\n`);
}

void main();
