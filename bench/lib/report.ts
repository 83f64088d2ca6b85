import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyChart } from './chart';
import type { Figure, LatencySeries, ScenarioResult } from './context';

/** bench/results/latest.json (every raw figure), latest.md (the table) and latency.svg. */

export const RESULTS_DIR = path.join(__dirname, '..', 'results');

export interface RunInfo {
  startedAt: Date;
  finishedAt: Date;
  settings: Record<string, unknown>;
  failures: { scenario: string; error: string }[];
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

const verdict = (f: Figure) => (f.met === null ? '—' : f.met ? 'yes' : '**no**');
const fmt = (f: Figure) => `${f.measured} ${f.unit}`;

export function writeResults(results: ScenarioResult[], info: RunInfo): { json: string; md: string; svg: string } {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const figures = results.flatMap((r) => r.figures);
  const latencies: LatencySeries[] = results.flatMap((r) => r.latencies);
  const targets = figures.filter((f) => f.met !== null);
  const failedTargets = targets.filter((f) => !f.met);
  const m = machine();
  const durationSeconds = Math.round((info.finishedAt.getTime() - info.startedAt.getTime()) / 100) / 10;

  const json = {
    command: 'npm run bench',
    date: info.startedAt.toISOString(),
    durationSeconds,
    machine: m,
    settings: info.settings,
    summary: { targets: targets.length, met: targets.length - failedTargets.length, notMet: failedTargets.map((f) => f.id), scenarioFailures: info.failures },
    figures,
    latencies,
    scenarios: Object.fromEntries(results.map((r) => [r.name, r.raw])),
  };
  const jsonFile = path.join(RESULTS_DIR, 'latest.json');
  fs.writeFileSync(jsonFile, `${JSON.stringify(json, null, 2)}\n`);

  const svgFile = path.join(RESULTS_DIR, 'latency.svg');
  fs.writeFileSync(svgFile, latencyChart(latencies, `Latency percentiles per scenario — ${info.startedAt.toISOString().slice(0, 10)}`));
  const charts = results.flatMap((r) => r.charts ?? []);
  for (const chart of charts) fs.writeFileSync(path.join(RESULTS_DIR, chart.file), chart.svg);

  const s = info.settings;
  const lines = [
    '# Benchmark results',
    '',
    `Reproduce with \`npm run bench\` (SPEC §9). Run of ${info.startedAt.toISOString()}, ${durationSeconds} s in all.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, ${m.platform}.`,
    `Stack: every part its own process on loopback (database, five stand-ins, six subgraphs, our gateway, plain @apollo/gateway, Hive Gateway); ` +
      `database ${String(s.database)}, cache ${String(s.cache)}; WORLD_SIZE ${String(s.worldSize)}, LEGACY_LATENCY_MS ${String(s.legacyLatencyMs)}.` +
      (s.quick ? ' **BENCH_QUICK=1: short durations, figures indicative only.**' : ''),
    '',
    `**${targets.length - failedTargets.length} of ${targets.length} targets met.**` + (failedTargets.length ? ` Not met: ${failedTargets.map((f) => f.id).join(', ')}.` : ''),
    '',
    '| figure | measured | ratio | target | met? |',
    '|---|---|---|---|---|',
    ...figures.map((f) => `| ${f.label} | ${fmt(f)} | ${f.ratio ?? '—'} | ${f.target} | ${verdict(f)} |`),
    '',
    '![Latency percentiles per scenario](latency.svg)',
    '',
    ...charts.flatMap((c) => [`![${c.title}](${c.file})`, '']),
    '## Notes per figure',
    '',
    ...figures.filter((f) => f.note).map((f) => `- \`${f.id}\`: ${f.note}`),
    '',
  ];
  const explained = figures.filter((f) => f.met === false && f.whyNotMet);
  if (explained.length) {
    lines.push('## Targets not met: the measured reason, and what was tried', '', ...explained.map((f) => `- \`${f.id}\`: ${f.whyNotMet}`), '');
  }
  if (info.failures.length) {
    lines.push('## Scenarios that did not complete', '', ...info.failures.map((f) => `- ${f.scenario}: ${f.error}`), '');
  }
  lines.push(
    '## Method',
    '',
    '- Cold means never asked before: every cold request names a subject no earlier request of the run named, whatever the gateway or subgraphs cache; a fresh Redis key prefix per run when REDIS_URL is set.',
    '- Latency is end to end at the client (request sent → body read), sequential requests unless a load is stated.',
    '- Throughput counts complete answers only (HTTP 2xx without GraphQL errors). Load rounds (overhead, memory) run with the stand-ins answering at 0 ms (admin faults), standing in for warm caches; the configured latency is restored after each.',
    `- The gateway's rate limiter stays on with RATE_LIMIT_PER_MINUTE=${String(s.rateLimitPerMinute)}, so the one benchmark consumer is not refused under load; a 429 would count as a failed response.`,
    '- Fan-out takes every subject of the 10,000-subject world with data in all five departments (a few dozen: customs and court records are rare together); scale takes subjects registered with market, tax, customs and finance (the court is asked either way).',
    '- Hung department: the court stand-in accepts connections and never answers (admin faults `down: true`) for the whole load; 50 connections ask for the full profile of cold subjects by variables. Load bodies are checked by substring only; a sequential sampler (one request per 500 ms) parses its answers section by section. The breaker figure is the calls the stand-in received (its /__admin/stats, read every second); the stand-ins are reset afterwards (faults cleared, configured latency restored).',
    '- Batching counts calls each stand-in served (/__admin/stats) for one `subjects(500)` request against the fewest its documented limits allow for those exact subjects.',
    '- Raw samples, per-round figures and stand-in stats are in `latest.json`.',
    '',
  );
  const mdFile = path.join(RESULTS_DIR, 'latest.md');
  fs.writeFileSync(mdFile, lines.join('\n'));
  return { json: jsonFile, md: mdFile, svg: svgFile };
}
