// Polling a page's expression, shared by the CDP (Chromium) and BiDi
// (Firefox) page drivers.

/**
 * Evaluates expression until it is truthy and returns its value; an
 * evaluation that throws counts as not yet.
 * @param {(expression: string) => Promise<any>} evaluate
 * @param {string} expression
 * @param {{timeout?: number, what?: string, every?: number}} [opts]
 */
export async function waitForExpression(evaluate, expression, { timeout = 20000, what = expression, every = 100 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await evaluate(expression);
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}
