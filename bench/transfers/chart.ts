// The benchmark chart as hand-written SVG (no dependency): throughput and bytes per transfer
// against the number of transfers, on a log-scale axis, for both scenarios, with targets and the seed.

import { formatCount } from "../common/format.js";
import type { Row } from "./table.js";

export interface ChartInput {
  readonly title: string;
  readonly valid: readonly Row[];
  readonly mix: readonly Row[];
  readonly targetValidPerSecond: number;
  readonly targetMixPerSecond: number;
  /** The seed's throughput on this machine, a range: it is drawn as a band. */
  readonly seedPerSecondLow: number;
  readonly seedPerSecondHigh: number;
  readonly targetBytesPerTransfer: number;
  readonly seedBytesPerTransfer: number;
}

const WIDTH = 900;
const HEIGHT = 600;
const LEFT = 96;
const RIGHT = 766;
const VALID_COLOR = "#1d4ed8";
const MIX_COLOR = "#c2410c";
const SEED_COLOR = "#6b7280";
const TARGET_COLOR = "#111827";

interface Series {
  readonly color: string;
  readonly marker: "circle" | "square";
  readonly points: readonly (readonly [number, number])[];
}

interface Reference {
  readonly label: string;
  readonly value: number;
  readonly color: string;
}

interface Panel {
  readonly top: number;
  readonly height: number;
  readonly yStep: number;
  readonly yMax: number;
  readonly yTitle: string;
  readonly yLabel: (value: number) => string;
  readonly series: readonly Series[];
  readonly references: readonly Reference[];
  readonly band?: { readonly label: string; readonly low: number; readonly high: number };
}

interface XScale {
  readonly firstDecade: number;
  readonly lastDecade: number;
  readonly at: (count: number) => number;
}

/** A y axis with room above `valueMax`: its step, and its top on a step. */
function yAxis(valueMax: number): { yStep: number; yMax: number } {
  const yStep = niceStep(valueMax * 1.08);
  return { yStep, yMax: roundUp(valueMax * 1.08, yStep) };
}

export function renderChart(input: ChartInput): string {
  const counts = [...input.valid, ...input.mix].map((row) => row.count);
  const x = xScale(Math.min(...counts), Math.max(...counts));
  const rate = (rows: readonly Row[]) => rows.map((row) => [row.count, row.transfersPerSecond / 1e6] as const);
  const bytes = (rows: readonly Row[]) => rows.map((row) => [row.count, row.bytesPerTransfer] as const);
  const rateMax = Math.max(input.targetValidPerSecond / 1e6, ...rate([...input.valid, ...input.mix]).map((p) => p[1]));
  const bytesMax = Math.max(input.seedBytesPerTransfer, ...bytes([...input.valid, ...input.mix]).map((p) => p[1]));
  const throughput: Panel = {
    top: 84,
    height: 210,
    ...yAxis(rateMax),
    yTitle: "Million transfers / s",
    yLabel: (value) => (value === 0 ? "0" : `${value}M`),
    series: [
      { color: VALID_COLOR, marker: "circle", points: rate(input.valid) },
      { color: MIX_COLOR, marker: "square", points: rate(input.mix) },
    ],
    references: [
      { label: `target, valid: ${input.targetValidPerSecond / 1e6}M`, value: input.targetValidPerSecond / 1e6, color: VALID_COLOR },
      { label: `target, mix: ${input.targetMixPerSecond / 1e6}M`, value: input.targetMixPerSecond / 1e6, color: MIX_COLOR },
    ],
    band: {
      label: `seed: ${(input.seedPerSecondLow / 1e6).toFixed(2)}–${(input.seedPerSecondHigh / 1e6).toFixed(2)}M`,
      low: input.seedPerSecondLow / 1e6,
      high: input.seedPerSecondHigh / 1e6,
    },
  };
  const memory: Panel = {
    top: 346,
    height: 184,
    ...yAxis(bytesMax),
    yTitle: "Retained bytes / transfer",
    yLabel: (value) => String(value),
    series: [
      { color: VALID_COLOR, marker: "circle", points: bytes(input.valid) },
      { color: MIX_COLOR, marker: "square", points: bytes(input.mix) },
    ],
    references: [
      { label: `target: ${input.targetBytesPerTransfer} B`, value: input.targetBytesPerTransfer, color: TARGET_COLOR },
      { label: `seed: ${input.seedBytesPerTransfer} B`, value: input.seedBytesPerTransfer, color: SEED_COLOR },
    ],
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="30" text-anchor="middle" font-size="19" font-weight="bold" fill="#111827">${escape(input.title)}</text>`,
    legend(),
    renderPanel(throughput, x, false),
    renderPanel(memory, x, true),
    `<text x="${(LEFT + RIGHT) / 2}" y="${HEIGHT - 14}" text-anchor="middle" font-size="14" fill="#111827">Transfers per run, N (log scale)</text>`,
    "</svg>",
    "",
  ].join("\n");
}

function xScale(minCount: number, maxCount: number): XScale {
  const firstDecade = Math.floor(Math.log10(minCount));
  const lastDecade = Math.max(firstDecade + 1, Math.ceil(Math.log10(maxCount)));
  const at = (count: number) =>
    LEFT + ((Math.log10(count) - firstDecade) / (lastDecade - firstDecade)) * (RIGHT - LEFT);
  return { firstDecade, lastDecade, at };
}

function renderPanel(panel: Panel, x: XScale, withXLabels: boolean): string {
  const bottom = panel.top + panel.height;
  const y = (value: number) => bottom - (value / panel.yMax) * panel.height;
  const parts: string[] = [];
  for (let step = 0; step * panel.yStep <= panel.yMax; step++) {
    const value = step * panel.yStep;
    parts.push(
      `<line x1="${LEFT}" x2="${RIGHT}" y1="${f(y(value))}" y2="${f(y(value))}" stroke="#e5e7eb"/>`,
      `<text x="${LEFT - 8}" y="${f(y(value) + 4)}" text-anchor="end" font-size="12" fill="#374151">${panel.yLabel(value)}</text>`,
    );
  }
  for (let decade = x.firstDecade; decade <= x.lastDecade; decade++) {
    const count = 10 ** decade;
    parts.push(`<line x1="${f(x.at(count))}" x2="${f(x.at(count))}" y1="${panel.top}" y2="${bottom}" stroke="#d1d5db"/>`);
    if (withXLabels) {
      parts.push(`<text x="${f(x.at(count))}" y="${bottom + 18}" text-anchor="middle" font-size="12" fill="#374151">${decadeLabel(count)}</text>`);
    }
    for (const minor of [2, 5]) {
      if (decade < x.lastDecade) {
        const at = f(x.at(minor * count));
        parts.push(`<line x1="${at}" x2="${at}" y1="${panel.top}" y2="${bottom}" stroke="#f3f4f6"/>`);
      }
    }
  }
  parts.push(`<rect x="${LEFT}" y="${panel.top}" width="${RIGHT - LEFT}" height="${panel.height}" fill="none" stroke="#6b7280"/>`);
  const middle = panel.top + panel.height / 2;
  parts.push(`<text transform="translate(${LEFT - 56} ${middle}) rotate(-90)" text-anchor="middle" font-size="13" fill="#111827">${panel.yTitle}</text>`);
  for (const reference of panel.references) {
    const at = f(y(reference.value));
    parts.push(
      `<line x1="${LEFT}" x2="${RIGHT}" y1="${at}" y2="${at}" stroke="${reference.color}" stroke-width="1.3" stroke-dasharray="6 4"/>`,
      // Labels sit in the right margin, clear of the data lines.
      `<text x="${RIGHT + 6}" y="${f(y(reference.value) + 4)}" font-size="12" fill="${reference.color}">${escape(reference.label)}</text>`,
    );
  }
  if (panel.band !== undefined) {
    const { label, low, high } = panel.band;
    parts.push(
      `<rect x="${LEFT}" y="${f(y(high))}" width="${RIGHT - LEFT}" height="${f(Math.max(1.5, y(low) - y(high)))}" fill="${SEED_COLOR}" fill-opacity="0.45"/>`,
      `<text x="${RIGHT + 6}" y="${f(y((low + high) / 2) + 4)}" font-size="12" fill="${SEED_COLOR}">${escape(label)}</text>`,
    );
  }
  for (const series of panel.series) parts.push(renderSeries(series, x, y));
  return parts.join("\n");
}

function renderSeries(series: Series, x: XScale, y: (value: number) => number): string {
  const points = series.points.map(([count, value]) => [x.at(count), y(value)] as const);
  const path = points.map(([px, py]) => `${f(px)},${f(py)}`).join(" ");
  const markers = points.map(([px, py]) =>
    series.marker === "circle"
      ? `<circle cx="${f(px)}" cy="${f(py)}" r="4" fill="${series.color}"/>`
      : `<rect x="${f(px - 3.5)}" y="${f(py - 3.5)}" width="7" height="7" fill="${series.color}"/>`,
  );
  return [`<polyline points="${path}" fill="none" stroke="${series.color}" stroke-width="2.2"/>`, ...markers].join("\n");
}

function legend(): string {
  const y = 56;
  const item = (at: number, color: string, marker: string, label: string) =>
    `<line x1="${at}" x2="${at + 28}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2.2"/>${marker}` +
    `<text x="${at + 36}" y="${y + 4}" font-size="13" fill="#111827">${label}</text>`;
  return [
    item(LEFT + 40, VALID_COLOR, `<circle cx="${LEFT + 54}" cy="${y}" r="4" fill="${VALID_COLOR}"/>`, "every transfer valid"),
    item(LEFT + 250, MIX_COLOR, `<rect x="${LEFT + 260.5}" y="${y - 3.5}" width="7" height="7" fill="${MIX_COLOR}"/>`, "seed mix (~10% refused)"),
    `<line x1="${LEFT + 480}" x2="${LEFT + 508}" y1="${y}" y2="${y}" stroke="${TARGET_COLOR}" stroke-width="1.3" stroke-dasharray="6 4"/>`,
    `<text x="${LEFT + 516}" y="${y + 4}" font-size="13" fill="#111827">targets and the seed's figures</text>`,
  ].join("\n");
}

/** A step of 1, 2 or 5 times a power of ten giving at most about seven gridlines up to `max`. */
function niceStep(max: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(max / 7));
  return [1, 2, 5, 10].map((factor) => factor * magnitude).find((step) => max / step <= 7) ?? 10 * magnitude;
}

function roundUp(value: number, step: number): number {
  return Math.ceil(value / step) * step;
}

function decadeLabel(count: number): string {
  if (count >= 1e6) return `${formatCount(count / 1e6)}M`;
  if (count >= 1e3) return `${formatCount(count / 1e3)}k`;
  return formatCount(count);
}

function f(value: number): string {
  return value.toFixed(1);
}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
