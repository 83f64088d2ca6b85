import { createHash, createHmac } from 'node:crypto';
import { computeFinanceSignature, financeSignatureMatches, financeStringToSign, signFinanceRequest } from '../signature';

const input = { method: 'post', path: '/openapi/v1/credit/batch', timestamp: 1700000000000, nonce: 'n-1', body: '{"codes":[]}' };

describe('finance request signature', () => {
  it('signs METHOD, PATH, TIMESTAMP, NONCE and the body hash, one per line', () => {
    const bodyHash = createHash('sha256').update('{"codes":[]}').digest('hex');
    expect(financeStringToSign(input)).toBe(`POST\n/openapi/v1/credit/batch\n1700000000000\nn-1\n${bodyHash}`);
    expect(computeFinanceSignature('s3cret', input)).toBe(createHmac('sha256', 's3cret').update(financeStringToSign(input)).digest('hex'));
  });

  it('returns the four headers with the given timestamp and nonce', () => {
    const headers = signFinanceRequest({ appId: 'app', secret: 's3cret', ...input });
    expect(headers).toEqual({
      'X-App-Id': 'app',
      'X-Timestamp': '1700000000000',
      'X-Nonce': 'n-1',
      'X-Signature': computeFinanceSignature('s3cret', input),
    });
  });

  it('draws a fresh nonce for every request when none is given', () => {
    const a = signFinanceRequest({ appId: 'app', secret: 's', method: 'POST', path: '/p', body: '' });
    const b = signFinanceRequest({ appId: 'app', secret: 's', method: 'POST', path: '/p', body: '' });
    expect(a['X-Nonce']).not.toBe(b['X-Nonce']);
  });

  it('accepts the right signature and rejects one made with another secret or over another body', () => {
    const good = computeFinanceSignature('s3cret', input);
    expect(financeSignatureMatches('s3cret', input, good)).toBe(true);
    expect(financeSignatureMatches('s3cret', input, computeFinanceSignature('other', input))).toBe(false);
    expect(financeSignatureMatches('s3cret', { ...input, body: '{"codes":["x"]}' }, good)).toBe(false);
    expect(financeSignatureMatches('s3cret', input, 'short')).toBe(false);
  });
});
