import type { WorkloadName } from './workloads.js';
import { fmt, GATEWAYS, median, slowestDirect, type BenchResults, type GatewayName, type Median } from './report.js';

// A plain SVG of the medians (no chart library): grouped bars of req/s and of p50 per workload, one bar per gateway
// that ran it (hub-2-workers on dashboard and partner only; direct = the slowest register called directly, the floor), the dashboard p50 at one connection, and the hub's
// dashboard p50 per number of persons, and its partner p50 at one connection with an empty and a seeded consent database.

const COLORS: Record<GatewayName, string> = {
  hub: '#1f6feb', 'hub-2-workers': '#54aeff', 'apollo-gateway': '#8250df', 'hive-gateway': '#d29922', 'hive-gateway-router-runtime': '#bf3989', direct: '#57606a', 'direct-parallel': '#8c959f',
};
const LABELS: Record<GatewayName, string> = {
  hub: 'hub (all security on, 1 worker)',
  'hub-2-workers': 'hub (2 workers)',
  'apollo-gateway': '@apollo/gateway (bare)',
  'hive-gateway': 'Hive Gateway (bare)',
  'hive-gateway-router-runtime': 'Hive Gateway, Rust planner (bare)',
  direct: 'direct (slowest register)',
  'direct-parallel': 'all registers at once, no gateway',
};
/** Legend entries per row. */
const LEGEND_COLUMNS = 3;
const WIDTH = 900;
const PANEL_HEIGHT = 260;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Bar {
  readonly label: string;
  readonly value: number;
  readonly color: string;
  readonly text: string;
}

/** One panel of grouped bars, drawn at vertical offset `top`. */
function panel(top: number, title: string, groups: { name: string; bars: Bar[] }[], unit: string): string {
  const left = 70;
  const plotWidth = WIDTH - left - 20;
  const plotTop = top + 30;
  const plotHeight = PANEL_HEIGHT - 70;
  // Headroom above the tallest bar for its label (two lines at most), on a round scale.
  const max = niceCeiling(1.12 * Math.max(1e-9, ...groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)))));
  const parts: string[] = [`<text x="${left}" y="${top + 18}" font-size="15" font-weight="bold">${escape(title)}</text>`];
  for (let i = 0; i <= 4; i += 1) {
    const y = plotTop + plotHeight - (plotHeight * i) / 4;
    parts.push(`<line x1="${left}" x2="${left + plotWidth}" y1="${y}" y2="${y}" stroke="#d0d7de" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${y + 4}" font-size="11" text-anchor="end">${escape(fmt((max * i) / 4, max >= 100 ? 0 : 1))}</text>`);
  }
  parts.push(`<text x="14" y="${plotTop + plotHeight / 2}" font-size="11" transform="rotate(-90 14 ${plotTop + plotHeight / 2})" text-anchor="middle">${escape(unit)}</text>`);
  const groupWidth = plotWidth / Math.max(1, groups.length);
  groups.forEach((group, g) => {
    const barWidth = Math.min(60, (groupWidth - 30) / Math.max(1, group.bars.length));
    const start = left + g * groupWidth + (groupWidth - barWidth * group.bars.length) / 2;
    group.bars.forEach((bar, b) => {
      const value = Number.isFinite(bar.value) ? bar.value : 0;
      const height = (plotHeight * value) / max;
      const x = start + b * barWidth;
      const y = plotTop + plotHeight - height;
      parts.push(`<rect x="${x + 2}" y="${y}" width="${barWidth - 4}" height="${height}" fill="${bar.color}"><title>${escape(`${bar.label}: ${bar.text}`)}</title></rect>`);
      // A label wider than its bar (about 5.6 px a character here) goes on two lines, its name above its value.
      const split = bar.text.indexOf(': ');
      if (split > 0 && bar.text.length * 5.6 > barWidth) {
        parts.push(`<text x="${x + barWidth / 2}" y="${y - 16}" font-size="10" text-anchor="middle">${escape(bar.text.slice(0, split))}</text>`);
        parts.push(`<text x="${x + barWidth / 2}" y="${y - 4}" font-size="10" text-anchor="middle">${escape(bar.text.slice(split + 2))}</text>`);
      } else {
        parts.push(`<text x="${x + barWidth / 2}" y="${y - 4}" font-size="10" text-anchor="middle">${escape(bar.text)}</text>`);
      }
    });
    parts.push(`<text x="${left + g * groupWidth + groupWidth / 2}" y="${plotTop + plotHeight + 18}" font-size="13" text-anchor="middle">${escape(group.name)}</text>`);
  });
  return parts.join('\n');
}

/** 1000 -> 1k, 1000000 -> 1M. */
function compact(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** The smallest 1, 2, 2.5 or 5 times a power of ten at least `value`. */
function niceCeiling(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 2.5, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

function gatewayBars(rows: readonly Median[], workload: WorkloadName, metric: 'rps' | 'p50_ms', part: Median['part'] = 'compare'): Bar[] {
  const bars: Bar[] = [];
  for (const gateway of GATEWAYS.filter((name) => name !== 'direct' && name !== 'direct-parallel')) {
    const row = rows.find((r) => r.part === part && r.gateway === gateway && r.workload === workload);
    if (row) bars.push({ label: LABELS[gateway], value: row[metric], color: COLORS[gateway], text: fmt(row[metric], metric === 'rps' ? 0 : 1) });
  }
  // The floor: for req/s the register with the lowest throughput, for p50 the one with the highest latency.
  const direct = rows.filter((r) => r.part === part && r.gateway === 'direct' && r.workload === workload);
  const floor = metric === 'rps' ? direct.sort((a, b) => a.rps - b.rps)[0] : slowestDirect(rows, workload, part);
  if (floor) bars.push({ label: `${LABELS.direct}: ${floor.subgraph}`, value: floor[metric], color: COLORS.direct, text: fmt(floor[metric], metric === 'rps' ? 0 : 1) });
  const parallel = rows.find((r) => r.part === part && r.gateway === 'direct-parallel' && r.workload === workload);
  if (parallel) bars.push({ label: LABELS['direct-parallel'], value: parallel[metric], color: COLORS['direct-parallel'], text: fmt(parallel[metric], metric === 'rps' ? 0 : 1) });
  return bars;
}

/** The chart of a run, as an SVG document. */
export function renderChart(results: BenchResults, workloads: readonly WorkloadName[]): string {
  const rows = results.summary.medians;
  const scale = rows.filter((row) => row.part === 'scale').sort((a, b) => a.persons - b.persons);
  const panels = [
    panel(40, 'Throughput (req/s, higher is better)', workloads.map((w) => ({ name: w, bars: gatewayBars(rows, w, 'rps') })), 'req/s'),
    panel(40 + PANEL_HEIGHT, 'Median latency p50 under load (ms, lower is better)', workloads.map((w) => ({ name: w, bars: gatewayBars(rows, w, 'p50_ms') })), 'ms'),
  ];
  if (rows.some((row) => row.part === 'latency')) {
    panels.push(panel(40 + panels.length * PANEL_HEIGHT, 'Median latency p50 at one connection, unloaded (ms, lower is better)', [{ name: 'dashboard', bars: gatewayBars(rows, 'dashboard', 'p50_ms', 'latency') }], 'ms'));
  }
  if (scale.length > 0) {
    panels.push(panel(40 + panels.length * PANEL_HEIGHT, 'Hub dashboard p50 by persons in the registers (PostgreSQL; ms)', [{
      name: 'dashboard',
      bars: scale.map((row) => ({ label: `${row.persons.toLocaleString('en')} persons`, value: row.p50_ms, color: COLORS.hub, text: `${compact(row.persons)}: ${fmt(row.p50_ms, 1)}` })),
    }], 'ms'));
  }
  // The target's cells only (one connection): at 10 connections the p50 is queueing, on another scale.
  const consent = rows.filter((row) => row.part === 'consent-scale' && row.connections === 1).sort((a, b) => (a.consents ?? 0) - (b.consents ?? 0));
  if (consent.length > 0) {
    panels.push(panel(40 + panels.length * PANEL_HEIGHT, 'Hub partner p50 at one connection, consent database empty or seeded (PostgreSQL; ms)', [{
      name: 'partner',
      bars: consent.map((row) => {
        const what = row.consents ? `${compact(row.consents)} consents` : 'empty';
        return { label: `consent database ${what}`, value: row.p50_ms, color: row.consents ? COLORS.hub : '#afb8c1', text: `${what}: ${fmt(row.p50_ms, 1)}` };
      }),
    }], 'ms'));
  }
  const legendTop = 40 + panels.length * PANEL_HEIGHT;
  const legend = GATEWAYS.map((gateway, i) => {
    const x = 70 + (i % LEGEND_COLUMNS) * 270;
    const y = legendTop + Math.floor(i / LEGEND_COLUMNS) * 20;
    return `<rect x="${x}" y="${y}" width="12" height="12" fill="${COLORS[gateway]}"/><text x="${x + 18}" y="${y + 11}" font-size="12">${escape(LABELS[gateway])}</text>`;
  });
  const machine = results.machine as { cpus?: number; model?: string; node?: string; date?: string; mode?: string; loadavg_start?: number[]; loadavg_end?: number[] };
  const title = `Personal data hub gateway benchmark (${machine.mode ?? ''}; ${machine.cpus ?? '?'} CPU ${machine.model ?? ''}; Node ${machine.node ?? ''}; ${machine.date ?? ''})`;
  // The machine's load while it ran: what else competed for the cores (the bench's own processes excluded).
  const others = rows.filter((row) => row.part === 'compare').map((row) => row.other_cpu_percent);
  const load = `load average ${fmt(machine.loadavg_start?.[0] ?? NaN, 2)} at the start, ${fmt(machine.loadavg_end?.[0] ?? NaN, 2)} at the end; other work during the side-by-side cells: median ${fmt(median(others), 0)} % of a core (${fmt(Math.min(...others), 0)}-${fmt(Math.max(...others), 0)} %)`;
  const height = legendTop + 20 * Math.ceil(GATEWAYS.length / LEGEND_COLUMNS) + 20;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="20" y="20" font-size="14">${escape(title)}</text>`,
    `<text x="20" y="36" font-size="11" fill="#57606a">${escape(load)}</text>`,
    ...panels,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
