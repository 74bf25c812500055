import { test } from 'node:test';
import assert from 'node:assert/strict';
import { curveShape } from '../../lib/curve.js';

test('the listener curve is steps in the box, with its peak at the top', () => {
  const s = curveShape([{ t_s: 0, count: 100 }, { t_s: 50, count: 300 }, { t_s: 100, count: 20 }], 100, 40);
  assert.ok(s);
  // Each count holds until the next point: a step, not a slope.
  assert.equal(s.points, '0,26 50,26 50,2 100,2 100,35.6');
  assert.deepEqual(s.peak, { x: 50, y: 2, count: 300, t_s: 50 });
});

test('one point is a flat line; no curve, or a damaged one, is nothing', () => {
  const s = curveShape([{ t_s: 12, count: 7 }], 100, 40);
  assert.equal(s?.points, '0,2 50,2 100,2');
  assert.equal(curveShape(undefined, 100, 40), null);
  assert.equal(curveShape([], 100, 40), null);
  assert.equal(curveShape(/** @type {any} */ ([{ t_s: 'x', count: 3 }, { count: -1, t_s: 2 }]), 100, 40), null);
});
