/**
 * Go's `strconv.FormatFloat` for the formats fmt uses: 'e', 'E', 'f', 'F', 'g', 'G', with a
 * precision or (-1) the shortest representation that reads back to the same float64.
 */

interface Decimal {
  /** Significant digits, no leading or trailing zeros ('' for zero). */
  digits: string;
  /** Decimal point position: value = 0.digits × 10^dp. */
  dp: number;
}

/** Shortest round-tripping digits (JavaScript's choice of digits equals Go's). */
function shortestDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '', dp: 0 };
  const [mant, exp] = abs.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '').replace(/0+$/, '');
  return { digits, dp: Number(exp) + 1 };
}

/** The exact decimal expansion of a finite float64's magnitude. */
function exactDecimal(abs: number): Decimal {
  if (abs === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const biasedExp = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp2: number;
  if (biasedExp === 0) {
    exp2 = -1074;
  } else {
    mantissa |= 1n << 52n;
    exp2 = biasedExp - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp2 >= 0) {
    digits = (mantissa << BigInt(exp2)).toString();
    dp = digits.length;
  } else {
    digits = (mantissa * 5n ** BigInt(-exp2)).toString();
    dp = digits.length + exp2;
  }
  const stripped = digits.replace(/0+$/, '');
  return { digits: stripped, dp };
}

/** Rounds to `nd` significant digits, ties to even (the digits are exact, so a tie is a real tie). */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits.charCodeAt(nd) - 48;
  let up: boolean;
  if (next === 5 && nd + 1 === d.digits.length) {
    up = nd > 0 && (d.digits.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = next >= 5;
  }
  if (!up) {
    return { digits: d.digits.slice(0, nd).replace(/0+$/, ''), dp: d.dp };
  }
  // Round up: increment the kept prefix.
  const kept = d.digits.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && kept[i] === '9') {
    kept[i] = '0';
    i--;
  }
  if (i < 0) {
    return { digits: '1', dp: d.dp + 1 };
  }
  kept[i] = String.fromCharCode((kept[i] as string).charCodeAt(0) + 1);
  return { digits: kept.join('').replace(/0+$/, ''), dp: d.dp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.digits.length ? (d.digits[i] as string) : '0';
}

function formatE(neg: boolean, d: Decimal, prec: number, fmt: 'e' | 'E'): string {
  let s = neg ? '-' : '';
  s += d.digits.length === 0 ? '0' : (d.digits[0] as string);
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(d, i);
  }
  const exp = d.digits.length === 0 ? 0 : d.dp - 1;
  const abs = Math.abs(exp);
  return s + fmt + (exp < 0 ? '-' : '+') + (abs < 10 ? '0' : '') + String(abs);
}

function formatF(neg: boolean, d: Decimal, prec: number): string {
  let s = neg ? '-' : '';
  if (d.dp > 0) {
    for (let i = 0; i < d.dp; i++) s += digitAt(d, i);
  } else {
    s += '0';
  }
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(d, d.dp + i);
  }
  return s;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'F' | 'g' | 'G';

/** `strconv.FormatFloat(v, fmt, prec, 64)`; prec < 0 means shortest. */
export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let d: Decimal;
  if (shortest) {
    d = shortestDecimal(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        prec = Math.max(d.digits.length - 1, 0);
        break;
      case 'f':
      case 'F':
        prec = Math.max(d.digits.length - d.dp, 0);
        break;
      case 'g':
      case 'G':
        prec = d.digits.length;
        break;
    }
  } else {
    const exact = exactDecimal(abs);
    switch (fmt) {
      case 'e':
      case 'E':
        d = roundDecimal(exact, 1 + prec);
        break;
      case 'f':
      case 'F':
        d = roundDecimal(exact, exact.dp + prec);
        if (exact.dp + prec < 0) d = { digits: '', dp: 0 };
        break;
      default:
        if (prec === 0) prec = 1;
        d = roundDecimal(exact, prec);
        break;
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return formatE(neg, d, prec, fmt);
    case 'f':
    case 'F':
      return formatF(neg, d, prec);
  }
  let eprec = prec;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  if (shortest) eprec = 6;
  const exp = d.dp - 1;
  if (d.digits.length !== 0 && (exp < -4 || exp >= eprec)) {
    if (prec > d.digits.length) prec = d.digits.length;
    return formatE(neg, d, Math.max(prec - 1, 0), fmt === 'g' ? 'e' : 'E');
  }
  if (prec > d.dp) prec = d.digits.length;
  return formatF(neg, d, Math.max(prec - d.dp, 0));
}
