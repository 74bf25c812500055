// The listener curve of a Space recorded live (the info JSON's
// listener_curve, PROTOCOL.md "The library"): where its points go in a
// small chart, and its peak. Pure geometry, so node's tests check it; the
// Library page draws it.

/**
 * @typedef {{t_s: number, count: number}} ListenerPoint
 * @typedef {{points: string, peak: {x: number, y: number, count: number, t_s: number}} | null} CurveShape
 */

/**
 * The polyline points of a curve in a W×H box (y grows downwards, the top
 * is the highest count), a step for each point since a count holds until
 * the next one, and where its peak is. null for no curve.
 * @param {ListenerPoint[] | undefined} curve @param {number} W @param {number} H
 * @returns {CurveShape}
 */
export function curveShape(curve, W, H) {
  const pts = (curve ?? []).filter((p) => Number.isFinite(p?.t_s) && Number.isFinite(p?.count) && p.count >= 0);
  if (!pts.length) return null;
  const t0 = pts[0].t_s, t1 = pts[pts.length - 1].t_s;
  const span = t1 > t0 ? t1 - t0 : 1;
  const top = Math.max(1, ...pts.map((p) => p.count));
  const pad = 2;
  const x = (/** @type {number} */ t) => +(pts.length === 1 ? W / 2 : ((t - t0) / span) * W).toFixed(1);
  const y = (/** @type {number} */ c) => +(H - pad - (c / top) * (H - 2 * pad)).toFixed(1);
  const out = [];
  pts.forEach((p, i) => {
    if (i > 0) out.push(`${x(p.t_s)},${y(pts[i - 1].count)}`);
    out.push(`${x(p.t_s)},${y(p.count)}`);
  });
  if (pts.length === 1) out.unshift(`0,${y(pts[0].count)}`), out.push(`${W},${y(pts[0].count)}`);
  let peak = pts[0];
  for (const p of pts) if (p.count > peak.count) peak = p;
  return { points: out.join(' '), peak: { x: x(peak.t_s), y: y(peak.count), count: peak.count, t_s: peak.t_s } };
}
