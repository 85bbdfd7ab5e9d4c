// A small chart of an account's balance over time, drawn by hand in SVG: a step line (a balance
// holds until the next transaction) over the span of the transactions given, from zero to the
// highest balance. Labels are HTML around the drawing, so they keep their size at any width.

import { formatDateTime } from "../dates.js";
import { h, svg } from "../dom.js";
import { formatAmount } from "../money.js";

export interface BalancePoint {
  readonly timeMs: number;
  readonly balance: number;
}

const WIDTH = 600;
const HEIGHT = 160;

/** The step line through `points` (oldest first) in a WIDTH x HEIGHT box. */
export function stepPath(points: readonly BalancePoint[]): { line: string; area: string } {
  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) return { line: "", area: "" };
  const span = last.timeMs - first.timeMs;
  const highest = Math.max(...points.map((point) => point.balance));
  // Transactions at one instant (a batch) would stack on one x: then they are spread evenly.
  const x = (point: BalancePoint, index: number) =>
    points.length === 1 ? 0 : span === 0 ? (index / (points.length - 1)) * WIDTH : ((point.timeMs - first.timeMs) / span) * WIDTH;
  const y = (balance: number) => (highest === 0 ? HEIGHT : HEIGHT - (balance / highest) * HEIGHT);
  const round = (value: number) => Math.round(value * 10) / 10;
  let line = `M0 ${round(y(first.balance))}`;
  points.forEach((point, index) => {
    if (index === 0) return;
    line += ` H${round(x(point, index))} V${round(y(point.balance))}`;
  });
  line += ` H${WIDTH}`;
  return { line, area: `${line} V${HEIGHT} H0 Z` };
}

/** The chart's figure; `update` redraws it with new points. */
export class BalanceChart {
  readonly element: HTMLElement;
  private readonly line = svg("path", { class: "chart-line", "vector-effect": "non-scaling-stroke" });
  private readonly area = svg("path", { class: "chart-area" });
  private readonly caption = h("figcaption", { id: "chart-caption" });
  private readonly top = h("span", { class: "chart-top" });
  private readonly start = h("span");
  private readonly end = h("span");

  constructor() {
    const drawing = svg(
      "svg",
      { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, preserveAspectRatio: "none", class: "chart-drawing", "aria-hidden": "true", focusable: "false" },
      this.area,
      this.line,
    );
    this.element = h(
      "figure",
      { class: "chart", role: "group", "aria-labelledby": "chart-caption" },
      h("div", { class: "chart-box" }, this.top, drawing, h("span", { class: "chart-zero" }, formatAmount(0))),
      h("div", { class: "chart-times" }, this.start, this.end),
      this.caption,
    );
  }

  /** Draws `points`, oldest first; `complete` when they are all of the account's transactions. */
  update(points: readonly BalancePoint[], complete: boolean): void {
    const { line, area } = stepPath(points);
    this.line.setAttribute("d", line);
    this.area.setAttribute("d", area);
    const first = points[0];
    const last = points[points.length - 1];
    if (first === undefined || last === undefined) return;
    const highest = Math.max(...points.map((point) => point.balance));
    const lowest = Math.min(...points.map((point) => point.balance));
    this.top.textContent = formatAmount(highest);
    this.start.textContent = formatDateTime(first.timeMs);
    this.end.textContent = formatDateTime(last.timeMs);
    const which = complete ? `all ${points.length} transactions` : `the last ${points.length} transactions`;
    this.caption.textContent =
      `Balance over ${which}, from ${formatDateTime(first.timeMs)} to ${formatDateTime(last.timeMs)}: ` +
      `lowest ${formatAmount(lowest)}, highest ${formatAmount(highest)}, now ${formatAmount(last.balance)}.`;
  }
}
