import type { LatencySeries } from './context';

/**
 * Latency percentiles per scenario as an SVG bar chart (no dependency): one group of three
 * horizontal bars (p50, p90, p99) per series, on a logarithmic millisecond axis, since the series
 * range from a few milliseconds to a 500-subject batch.
 */

const WIDTH = 1010;
const LABEL_WIDTH = 400;
const PLOT_WIDTH = 540;
const BAR = 9;
const GROUP_GAP = 14;
const TOP = 56;
const BOTTOM = 44;
const COLORS = { p50: '#2b6cb0', p90: '#dd8a1e', p99: '#c53030' } as const;

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function latencyChart(series: LatencySeries[], title: string): string {
  const finite = series.flatMap((s) => [s.p50, s.p90, s.p99]).filter((v) => Number.isFinite(v) && v > 0);
  const maxDecade = Math.max(1, Math.ceil(Math.log10(Math.max(10, ...finite))));
  const minDecade = Math.min(0, Math.floor(Math.log10(Math.min(1, ...finite))));
  const x = (ms: number) => LABEL_WIDTH + ((Math.log10(Math.max(ms, 10 ** minDecade)) - minDecade) / (maxDecade - minDecade)) * PLOT_WIDTH;
  const groupHeight = 3 * BAR + GROUP_GAP;
  const height = TOP + series.length * groupHeight + BOTTOM;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  let lx = LABEL_WIDTH;
  for (const [name, color] of Object.entries(COLORS)) {
    out.push(`<rect x="${lx}" y="32" width="12" height="10" fill="${color}"/><text x="${lx + 16}" y="41">${name}</text>`);
    lx += 70;
  }
  out.push(`<text x="${lx + 10}" y="41" fill="#555">ms, logarithmic</text>`);
  const axisY = TOP + series.length * groupHeight;
  for (let d = minDecade; d <= maxDecade; d++) {
    const gx = x(10 ** d);
    out.push(`<line x1="${gx}" y1="${TOP - 6}" x2="${gx}" y2="${axisY}" stroke="#dddddd"/>`);
    out.push(`<text x="${gx}" y="${axisY + 16}" text-anchor="middle" fill="#333">${(10 ** d).toLocaleString('en')}</text>`);
    for (const m of [2, 5]) if (d < maxDecade) out.push(`<line x1="${x(m * 10 ** d)}" y1="${TOP - 6}" x2="${x(m * 10 ** d)}" y2="${axisY}" stroke="#f0f0f0"/>`);
  }
  out.push(`<text x="${LABEL_WIDTH + PLOT_WIDTH / 2}" y="${axisY + 34}" text-anchor="middle" fill="#333">latency (ms)</text>`);
  series.forEach((s, i) => {
    const gy = TOP + i * groupHeight;
    out.push(`<text x="${LABEL_WIDTH - 8}" y="${gy + 1.5 * BAR + 4}" text-anchor="end">${escapeXml(s.label)}${s.n ? ` (n=${s.n})` : ''}</text>`);
    (['p50', 'p90', 'p99'] as const).forEach((k, j) => {
      const v = s[k];
      const y = gy + j * BAR;
      if (!Number.isFinite(v) || v <= 0) return;
      out.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, x(v) - LABEL_WIDTH).toFixed(1)}" height="${BAR - 1}" fill="${COLORS[k]}"><title>${escapeXml(`${s.label} ${k} ${v} ms`)}</title></rect>`);
      out.push(`<text x="${(x(v) + 4).toFixed(1)}" y="${y + BAR - 1}" font-size="9" fill="#333">${v}</text>`);
    });
  });
  out.push(`<line x1="${LABEL_WIDTH}" y1="${TOP - 6}" x2="${LABEL_WIDTH}" y2="${axisY}" stroke="#333"/>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
