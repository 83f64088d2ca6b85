import { escapeXml } from './chart';
import { PHASES, type PhaseId, type Phases } from './phaseBreakdown';

/**
 * Latency by phase (bench/results/phases.svg): one horizontal stacked bar per request kind, each
 * segment a phase's mean, on a linear millisecond axis, in the order the request meets them. Means,
 * not the report's medians, because means add up: each request's phases make up its time, so the
 * bar ends at the mean end-to-end time (medians of parts fall short of the median whole). The
 * legacy stand-in's segment is grey: its time is the department's, not ours.
 */

export interface PhaseBar {
  label: string;
  n: number;
  /** each phase's mean over the requests */
  means: Phases;
  endToEndMean: number;
  endToEndP50: number;
}

const WIDTH = 1010;
const LABEL_WIDTH = 250;
const PLOT_WIDTH = 700;
const BAR = 30;
const BAR_GAP = 34;
const TOP = 50;
const LEGEND_ROW = 18;
const MIN_LABELLED_PX = 26;

/** fill, and the colour of the figure written on it */
const COLORS: Record<PhaseId, [fill: string, text: string]> = {
  gatewayBefore: ['#1f4e79', '#fff'],
  plan: ['#4a90c2', '#fff'],
  platformHop: ['#7b4ea3', '#fff'],
  gatewayExecutor: ['#8fb8de', '#222'],
  subgraphHttp: ['#2f855a', '#fff'],
  subgraphBefore: ['#68d391', '#222'],
  subgraphAfter: ['#9ae6b4', '#222'],
  legacyClient: ['#dd8a1e', '#fff'],
  legacyStandIn: ['#b8b8b8', '#222'],
  audit: ['#c53030', '#fff'],
  gatewayAfter: ['#5a7fa8', '#fff'],
  unattributed: ['#e2e8f0', '#222'],
};

/** a round step for about eight grid lines up to `max` */
function gridStep(max: number): number {
  const raw = max / 8;
  const decade = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * decade).find((s) => s >= raw) ?? 10 * decade;
}

export function phaseChart(bars: PhaseBar[], title: string): string {
  const totals = bars.flatMap((b) => [b.endToEndMean, PHASES.reduce((a, p) => a + Math.max(0, b.means[p.id]), 0)]);
  const step = gridStep(Math.max(10, ...totals));
  const maxMs = Math.ceil(Math.max(10, ...totals) / step) * step;
  const x = (ms: number) => LABEL_WIDTH + (ms / maxMs) * PLOT_WIDTH;
  const axisY = TOP + bars.length * (BAR + BAR_GAP);
  const legendTop = axisY + 44;
  const legendRows = Math.ceil(PHASES.length / 2);
  const height = legendTop + legendRows * LEGEND_ROW + 16;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (let ms = 0; ms <= maxMs; ms += step) {
    out.push(`<line x1="${x(ms)}" y1="${TOP - 8}" x2="${x(ms)}" y2="${axisY}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${x(ms)}" y="${axisY + 16}" text-anchor="middle" fill="#333">${ms}</text>`);
  }
  out.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${axisY + 32}" text-anchor="middle" fill="#333">ms, mean of each phase over the requests (they add up to the mean end to end)</text>`);
  bars.forEach((bar, i) => {
    const y = TOP + i * (BAR + BAR_GAP);
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${y + BAR / 2 + 4}" text-anchor="end">${escapeXml(bar.label)} (n=${bar.n})</text>`);
    let at = 0;
    for (const p of PHASES) {
      const ms = Math.max(0, bar.means[p.id]);
      if (ms === 0) continue;
      const w = x(at + ms) - x(at);
      out.push(`<rect x="${x(at).toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR}" fill="${COLORS[p.id][0]}" stroke="#ffffff" stroke-width="0.5"><title>${escapeXml(`${p.label}: ${ms} ms`)}</title></rect>`);
      if (w >= MIN_LABELLED_PX) out.push(`<text x="${(x(at) + w / 2).toFixed(1)}" y="${y + BAR / 2 + 4}" text-anchor="middle" font-size="10" fill="${COLORS[p.id][1]}">${ms}</text>`);
      at += ms;
    }
    out.push(`<text x="${x(at).toFixed(1)}" y="${y + BAR + 14}" text-anchor="end" font-size="10" fill="#000">end to end: mean ${bar.endToEndMean} ms, p50 ${bar.endToEndP50} ms</text>`);
  });
  out.push(`<line x1="${LABEL_WIDTH}" y1="${TOP - 8}" x2="${LABEL_WIDTH}" y2="${axisY}" stroke="#333"/>`);
  PHASES.forEach((p, i) => {
    // column by column, in the bars' order
    const lx = 40 + Math.floor(i / legendRows) * (WIDTH / 2);
    const ly = legendTop + (i % legendRows) * LEGEND_ROW;
    out.push(`<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[p.id][0]}" stroke="#999" stroke-width="0.5"/><text x="${lx + 18}" y="${ly}">${escapeXml(p.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
