import type { BenchStack } from './stack';
import type { SubjectPool } from './subjects';

/** What every scenario receives, and what it hands back for the report. */

export interface BenchContext {
  stack: BenchStack;
  pool: SubjectPool;
  /** government, purpose financial-supervision: reads PUBLIC, GOVERNMENT and FINANCING classes */
  token: string;
  /** full profile of one subject ($uscc) */
  profileQuery: string;
  /** full profile of a batch ($usccs) */
  batchQuery: string;
  /** LEGACY_LATENCY_MS the stand-ins start with */
  legacyLatencyMs: number;
  /** BENCH_QUICK=1: short durations while developing; figures are then indicative only */
  quick: boolean;
  log(line: string): void;
}

/** One figure of the report, beside its SPEC §9 target. */
export interface Figure {
  id: string;
  label: string;
  measured: number;
  unit: string;
  /** the ratio SPEC §9 sets its target on (p50 / stand-in latency, actual / minimum calls, ours / plain, …) */
  ratio?: number;
  /** the target on that ratio as SPEC §9 states it, e.g. "≤ 1.25 (p50 ≤ 50 ms)"; "—" when informational */
  target: string;
  /** null: informational, no target */
  met: boolean | null;
  note?: string;
  /** for a target not met: the measured reason, and what was tried (issue 13) */
  whyNotMet?: string;
}

/** Latency percentiles of one series, for the chart. */
export interface LatencySeries {
  label: string;
  n: number;
  p50: number;
  p90: number;
  p99: number;
}

/** A chart of the scenario's own, written beside latency.svg and shown in latest.md. */
export interface Chart {
  /** file name in bench/results, e.g. phases.svg */
  file: string;
  /** its alt text and heading in latest.md */
  title: string;
  svg: string;
}

export interface ScenarioResult {
  name: string;
  figures: Figure[];
  latencies: LatencySeries[];
  charts?: Chart[];
  raw: Record<string, unknown>;
}
