import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import type { CustomsRecord } from '../../world/types';
import { centsToUsd, renderCreditCsv } from '../creditCsv';

const record = (name: string): CustomsRecord => ({
  customsCode: '3301960123',
  name,
  creditClass: '高级认证企业',
  certifiedOn: '2021-06-30',
  years: [{ year: 2024, importUsdCents: 123456789, exportUsdCents: 5, violations: 0 }],
});

describe('renderCreditCsv', () => {
  it.each([
    ['parentheses', '宁波海天贸易(集团)有限公司'],
    ['a comma', '浙江海天,进出口有限公司'],
    ['a double quote', '上海"远洋"物流有限公司'],
  ])('round-trips a company name containing %s', (_, name) => {
    const rows = parse(iconv.decode(renderCreditCsv([record(name)]), 'gbk')) as string[][];
    expect(rows[1]).toEqual(['3301960123', name, '高级认证企业', '2021-06-30', '2024', '1234567.89', '0.05', '0']);
  });

  it('ends every line with CRLF', () => {
    const text = iconv.decode(renderCreditCsv([record('某公司')]), 'gbk');
    expect(text.split('\r\n')).toHaveLength(3);
  });
});

describe('centsToUsd', () => {
  it.each([
    [0, '0.00'],
    [7, '0.07'],
    [9007199254740991, '90071992547409.91'],
    [-250, '-2.50'],
  ])('renders %d cents as %s dollars', (cents, usd) => {
    expect(centsToUsd(cents)).toBe(usd);
  });
});
