import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { composeServices } from '@apollo/composition';
import { loadConfig } from '../lib/config';
import { SUBGRAPH_MODULES } from '../subgraphs/registry';
import { renderReference } from './reference';

/**
 * `npm run compose` writes schema/supergraph.graphql from the subgraphs' SDL and schema/REFERENCE.md
 * from the supergraph; `npm run compose -- --check` exits 1 when either committed file is stale.
 * URLs are the SPEC §4 defaults; the gateway maps them to its configured subgraph URLs.
 */

export const SUPERGRAPH_PATH = path.join(__dirname, 'supergraph.graphql');
export const REFERENCE_PATH = path.join(__dirname, 'REFERENCE.md');

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

export interface GeneratedFile {
  path: string;
  content: string;
}

/** What `npm run compose` writes: the supergraph and the reference generated from it. */
export function generatedFiles(): GeneratedFile[] {
  const sdl = composeSupergraph();
  return [
    { path: SUPERGRAPH_PATH, content: sdl },
    { path: REFERENCE_PATH, content: renderReference(sdl) },
  ];
}

/** the files whose committed content differs from what compose generates */
export function staleFiles(files: GeneratedFile[]): string[] {
  return files.filter((f) => (fs.existsSync(f.path) ? fs.readFileSync(f.path, 'utf8') : '') !== f.content).map((f) => f.path);
}

function main(): void {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  let files: GeneratedFile[];
  try {
    files = generatedFiles();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(1);
  }
  const names = (paths: string[]) => paths.map((p) => path.relative(process.cwd(), p)).join(' and ');
  if (values.check) {
    const stale = staleFiles(files);
    if (stale.length > 0) {
      process.stderr.write(`${names(stale)} ${stale.length === 1 ? 'is' : 'are'} stale: run \`npm run compose\` and commit ${stale.length === 1 ? 'it' : 'them'}\n`);
      process.exit(1);
    }
    process.stdout.write(`${names(files.map((f) => f.path))} are up to date\n`);
    return;
  }
  for (const f of files) fs.writeFileSync(f.path, f.content);
  process.stdout.write(`wrote ${names(files.map((f) => f.path))} (${SUBGRAPH_MODULES.length} subgraphs)\n`);
}

if (require.main === module) main();
