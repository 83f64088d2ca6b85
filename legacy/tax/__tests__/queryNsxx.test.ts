import { fenToYuan, readQueryNsxx } from '../queryNsxx';
import { SoapFault, parseEnvelope } from '../soap';

describe('fenToYuan', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [123456789012, '1234567890.12'],
    [-150, '-1.50'],
  ])('renders %d fen as %s yuan', (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it('refuses a fractional amount rather than rounding it', () => {
    expect(() => fenToYuan(1.5)).toThrow(/safe integer/);
  });
});

describe('readQueryNsxx', () => {
  const body = (inner: string) =>
    parseEnvelope(
      `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`,
    ).body;

  it('keeps all-digit 税务登记号 as text, leading zeros included', () => {
    expect(readQueryNsxx(body('<queryNsxx><nsrsbhList><nsrsbh>010102123456789</nsrsbh></nsrsbhList></queryNsxx>'))).toEqual([
      '010102123456789',
    ]);
  });

  it('accepts any envelope prefix and a namespaced operation element', () => {
    expect(
      readQueryNsxx(body('<ns:queryNsxx xmlns:ns="urn:nsxy"><nsrsbhList><nsrsbh> A </nsrsbh><nsrsbh>B</nsrsbh></nsrsbhList></ns:queryNsxx>')),
    ).toEqual(['A', 'B']);
  });

  it('reads an empty list as no IDs', () => {
    expect(readQueryNsxx(body('<queryNsxx><nsrsbhList/></queryNsxx>'))).toEqual([]);
  });

  it('refuses a queryNsxx without nsrsbhList as the client\'s fault', () => {
    expect(() => readQueryNsxx(body('<queryNsxx/>'))).toThrow(SoapFault);
  });
});
