import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * Request signing of the finance credit-information sharing platform (legacy-systems.md §5),
 * written once and used by both sides: the stand-in verifies with it, the finance subgraph's
 * adapter signs with it. Pure apart from the defaults for `timestamp` (now) and `nonce` (random).
 *
 *   X-Signature = hex HMAC-SHA256(secret, METHOD \n PATH \n TIMESTAMP \n NONCE \n hex sha256(body))
 *
 * PATH is the URL path without the query string; the body is hashed as the exact bytes sent
 * (an empty body hashes as sha256 of nothing).
 */

export const FINANCE_HEADER = {
  appId: 'x-app-id',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  signature: 'x-signature',
} as const;

/** requests whose X-Timestamp is further than this from the platform's clock are refused */
export const FINANCE_MAX_SKEW_MS = 300_000;

export interface FinanceSignatureInput {
  method: string;
  path: string;
  /** milliseconds since the epoch, as sent in X-Timestamp */
  timestamp: number | string;
  nonce: string;
  body: string | Buffer;
}

export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

export function financeStringToSign(input: FinanceSignatureInput): string {
  return [input.method.toUpperCase(), input.path, String(input.timestamp), input.nonce, sha256Hex(input.body)].join('\n');
}

export function computeFinanceSignature(secret: string, input: FinanceSignatureInput): string {
  return createHmac('sha256', secret).update(financeStringToSign(input), 'utf8').digest('hex');
}

/** constant-time comparison of a presented hex signature with the expected one */
export function financeSignatureMatches(secret: string, input: FinanceSignatureInput, presented: string): boolean {
  const expected = Buffer.from(computeFinanceSignature(secret, input), 'utf8');
  const actual = Buffer.from(presented.toLowerCase(), 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export interface SignFinanceRequestOptions {
  appId: string;
  secret: string;
  method: string;
  path: string;
  body: string | Buffer;
  /** defaults to now */
  timestamp?: number;
  /** defaults to a random UUID; must never repeat within the skew window */
  nonce?: string;
}

export type FinanceSignedHeaders = Record<'X-App-Id' | 'X-Timestamp' | 'X-Nonce' | 'X-Signature', string>;

/** the four headers that authenticate one request to the finance platform */
export function signFinanceRequest(options: SignFinanceRequestOptions): FinanceSignedHeaders {
  const timestamp = options.timestamp ?? Date.now();
  const nonce = options.nonce ?? randomUUID();
  const signature = computeFinanceSignature(options.secret, {
    method: options.method,
    path: options.path,
    timestamp,
    nonce,
    body: options.body,
  });
  return {
    'X-App-Id': options.appId,
    'X-Timestamp': String(timestamp),
    'X-Nonce': nonce,
    'X-Signature': signature,
  };
}
