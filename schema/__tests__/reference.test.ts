import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildASTSchema, isObjectType, parse } from 'graphql';
import { PAGE_SIZES } from '../../lib/graphql/pageSizes';
import { REFERENCE_PATH, SUPERGRAPH_PATH, generatedFiles, staleFiles } from '../compose';
import { renderReference } from '../reference';

/** schema/REFERENCE.md: the generated field reference the README points newcomers to. */

describe('schema/REFERENCE.md', () => {
  const supergraph = fs.readFileSync(SUPERGRAPH_PATH, 'utf8');
  const reference = renderReference(supergraph);
  const row = (field: string, section: string) => {
    const start = reference.indexOf(`\n${section}\n`);
    const end = reference.indexOf('\n#', start + section.length + 2);
    return reference.slice(start, end === -1 ? undefined : end).split('\n').find((line) => line.startsWith(`| \`${field}`));
  };

  it('is what npm run compose generates from the committed supergraph (and compose writes it)', () => {
    expect(fs.readFileSync(REFERENCE_PATH, 'utf8')).toBe(reference);
    expect(generatedFiles().map((f) => f.path)).toContain(REFERENCE_PATH);
  });

  it('lists every field of every object type of the API schema, and no federation machinery', () => {
    const schema = buildASTSchema(parse(supergraph), { assumeValidSDL: true });
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      const heading = type.name === 'Query' || type.name === 'Mutation' ? `## ${type.name}` : `### ${type.name}`;
      for (const field of Object.keys(type.getFields())) expect([type.name, field, row(field, heading)]).toEqual([type.name, field, expect.any(String)]);
    }
    expect(reference).not.toMatch(/join__|link__/);
  });

  it("states each field's own class, and the paging limits the code enforces", () => {
    expect(row('finance', '### Subject')).toContain('| FINANCING |');
    expect(row('customsCode', '### CustomsProfile')).toContain('| GOVERNMENT |');
    expect(row('grade', '### TaxRating')).toContain('GOVERNMENT or FINANCING or PUBLISHED_TAX_GRADE_A');
    expect(row('loanBalance', '### FinanceProfile')).toContain('| — |');
    for (const [coordinate, { min, max }] of Object.entries(PAGE_SIZES)) {
      expect(row(coordinate.split('.')[1]!, '## Query')).toContain(`\`first:\` ${min}–${max}`);
    }
    expect(row('subjects', '## Query')).toContain('500 subjects per operation');
  });

  it('is reported stale by compose --check when the committed file differs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-'));
    const stalePath = path.join(dir, 'REFERENCE.md');
    fs.writeFileSync(stalePath, reference.replace('FINANCING', 'PUBLIC'));
    const freshPath = path.join(dir, 'fresh.md');
    fs.writeFileSync(freshPath, reference);
    expect(staleFiles([{ path: stalePath, content: reference }, { path: freshPath, content: reference }])).toEqual([stalePath]);
    fs.rmSync(dir, { recursive: true });
  });
});
