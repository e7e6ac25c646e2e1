import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatFloat } from '../../../src/confd/gotemplate/float-format.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

test('shortest %v reads back to the same float and uses exponent form exactly when x < -4 or x >= 6', () => {
  fc.assert(
    fc.property(finite, (x) => {
      const s = formatFloat(x, 'g', -1);
      assert.equal(Object.is(Number(s), x) || (x === 0 && Number(s) === 0), true, `${x} → ${s}`);
      if (x !== 0) {
        const e = Number(Math.abs(x).toExponential().split('e')[1]);
        assert.equal(/e[+-]\d\d/.test(s), e < -4 || e >= 6, `${x} → ${s}`);
      }
    }),
    { seed: 42, numRuns: 2000 },
  );
});

test('%e with a precision agrees with correctly rounded digits (JavaScript toExponential) away from exact ties', () => {
  fc.assert(
    fc.property(finite, fc.integer({ min: 0, max: 12 }), (x, p) => {
      const go = formatFloat(x, 'e', p);
      const js = x.toExponential(p).replace(/e([+-])(\d)$/, 'e$10$2');
      assert.equal(go, Object.is(x, -0) ? '-' + js : js);
    }),
    { seed: 7, numRuns: 2000 },
  );
});
