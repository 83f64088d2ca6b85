import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { loadConfig } from '../lib/config';
import { SUBGRAPH_MODULES } from '../subgraphs/registry';

/**
 * `npm run compose` writes schema/supergraph.graphql from the subgraphs' SDL;
 * `npm run compose -- --check` exits 1 when the committed file is stale.
 * URLs are the SPEC §4 defaults; the gateway maps them to its configured subgraph URLs.
 */

export const SUPERGRAPH_PATH = path.join(__dirname, 'supergraph.graphql');

export function composeSupergraph(): string {
  const defaults = loadConfig({});
  const result = composeServices(
    SUBGRAPH_MODULES.map((m) => ({ name: m.name, typeDefs: m.typeDefs, url: defaults.subgraphUrls[m.name] })),
  );
  if (result.errors) {
    throw new Error(`composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  let sdl: string;
  try {
    sdl = composeSupergraph();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  if (values.check) {
    const committed = fs.existsSync(SUPERGRAPH_PATH) ? fs.readFileSync(SUPERGRAPH_PATH, 'utf8') : '';
    if (committed !== sdl) {
      process.stderr.write('schema/supergraph.graphql is stale: run `npm run compose` and commit it\n');
      process.exit(1);
    }
    process.stdout.write('schema/supergraph.graphql is up to date\n');
    return;
  }
  fs.writeFileSync(SUPERGRAPH_PATH, sdl);
  process.stdout.write(`wrote ${path.relative(process.cwd(), SUPERGRAPH_PATH)} (${SUBGRAPH_MODULES.length} subgraphs)\n`);
}

if (require.main === module) main();
