/**
 * @module dashboard/charts
 * Charts drawn with uPlot (loaded as a global by index.html): lines over time or trial number, scatters
 * (points only, one series per group), and a chart that redraws in place when its data changes. A chart
 * is as wide as its card and follows its card's resizes. Each chart's container carries `data-points`, the
 * number of plotted points, which the browser test reads.
 */
import { el, num } from './dom.js';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];
export const colour = (i) => PALETTE[i % PALETTE.length];

/** A chart is as wide as its card's content (the frame fills it); 640 px before the frame is laid out. */
const widthOf = (node) => Math.max(200, node.clientWidth || 640);

/**
 * A chart in `holder` that can be updated: `update(data, seriesSpec)` redraws with setData when the
 * series are the same, and rebuilds the chart when they changed (a new family in a scatter, say).
 * @param options { title, xLabel, yLabel, xLog (log x scale), xFromZero, yRange, height, scatter (points only),
 *   xFormat (x tick value → label, e.g. a step index → its date) }
 */
export function liveChart(holder, options) {
  let plot = null;
  let signature = '';
  const frame = el('div', { class: 'chart', 'data-points': '0' });
  holder.append(frame);
  // Follows its card's width (a window resized, a phone turned, a scrollbar come), not only the window's.
  const observer = new ResizeObserver(() => {
    if (plot && plot.width !== widthOf(frame)) plot.setSize({ width: widthOf(frame), height: options.height ?? 240 });
  });
  observer.observe(frame);

  /** `points`: how many real points the data holds, when it also holds drawing aids (a carried-on last value). */
  function update(data, series, points = countPoints(data)) {
    frame.dataset.points = String(points);
    const sig = JSON.stringify([series.map((s) => s.label), options.xLog]);
    if (plot && sig === signature) {
      plot.setData(data);
      return;
    }
    plot?.destroy();
    signature = sig;
    // A points-only series (a scatter's family, the trial scores) has no line to colour its legend box's
    // border with: its box is filled with the points' colour, or it reads as an empty square.
    const filled = [false, ...series.map((s) => s.points ?? options.scatter ?? false)];
    plot = new uPlot(
      {
        title: options.title,
        width: widthOf(frame),
        height: options.height ?? 240,
        scales: {
          x: { time: false, ...(options.xLog ? { distr: 3 } : {}), range: xRange(options) },
          ...(options.yRange ? { y: { range: options.yRange } } : {}),
        },
        // Four significant digits: scores that differ in the third decimal must not share a tick label. A null
        // tick is one uPlot leaves unlabelled (a log axis's minor ticks between decades): blank, not num's "–".
        axes: [{ label: options.xLabel, values: (_u, ticks) => ticks.map((t) => (t === null ? '' : options.xFormat ? options.xFormat(t) : num(t, 4))) }, { label: options.yLabel, values: (_u, ticks) => ticks.map((t) => (t === null ? '' : num(t, 4))), size: 60 }],
        legend: { show: true, live: false, markers: { fill: (u, i) => (filled[i] ? u.series[i].stroke(u, i) : u.series[i].fill(u, i)) } },
        series: [{ label: options.xLabel }, ...series.map((s, i) => seriesOf(s, i, options.scatter))],
      },
      data,
      frame,
    );
  }

  return { update, destroy: () => (observer.disconnect(), plot?.destroy()) };
}

/** The x range: from zero for elapsed time; with a margin for scatters, so edge points are not cut in half. */
function xRange(options) {
  if (options.xFromZero) return (_u, _min, max) => [0, Math.max(1, max)];
  if (!options.scatter) return undefined;
  return (_u, min, max) => {
    if (options.xLog) return [min / 1.25, max * 1.25];
    const pad = (max - min) * 0.05 || Math.abs(min) * 0.1 || 1;
    return [min - pad, max + pad];
  };
}

const countPoints = (data) => data.slice(1).reduce((n, ys) => n + ys.filter((y) => y !== null && y !== undefined).length, 0);

function seriesOf(spec, i, scatter) {
  const stroke = spec.stroke ?? colour(i);
  const pointsOnly = spec.points ?? scatter;
  return {
    label: spec.label,
    stroke,
    width: spec.width ?? 2,
    dash: spec.dash,
    spanGaps: spec.spanGaps ?? !pointsOnly,
    ...(pointsOnly ? { paths: () => null, points: { show: true, size: 7, fill: stroke, stroke } } : { points: { show: spec.showPoints ?? true, size: 6 } }),
    ...(spec.stepped ? { paths: uPlot.paths.stepped({ align: 1 }) } : {}),
  };
}

/**
 * Aligns grouped (x, y) points into uPlot's columnar form: one shared ascending x array and one y array
 * per group with nulls where another group's point sits.
 */
export function alignGroups(points, groups) {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const xs = sorted.map((p) => p.x);
  const ys = groups.map((g) => sorted.map((p) => (p.group === g ? p.y : null)));
  return [xs, ...ys];
}
