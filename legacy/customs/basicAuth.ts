import type http from 'node:http';

/** HTTP Basic (RFC 7617) as the customs interface checks it on every endpoint. */

export interface BasicCredentials {
  user: string;
  password: string;
}

export const BASIC_REALM = 'customs';

/** The credentials an `Authorization: Basic …` header carries, or undefined when absent or unparsable. */
export function readBasicAuth(headers: http.IncomingHttpHeaders): BasicCredentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function isAuthorized(headers: http.IncomingHttpHeaders, expected: BasicCredentials): boolean {
  const given = readBasicAuth(headers);
  return given !== undefined && given.user === expected.user && given.password === expected.password;
}
