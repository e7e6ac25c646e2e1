/**
 * A Go `time.Time` as templates see it: printed like Go (`2006-01-02 15:04:05.999999999 -0700 MST`
 * plus the monotonic ` m=+…` suffix), with `Format` taking Go layouts and the common accessors.
 */
import { GoFunc, GoStruct, type GoValue } from './gotemplate/values.js';

export interface GoInstant {
  /** Nanoseconds since the Unix epoch. */
  readonly epochNs: bigint;
  /** Offset of the zone east of UTC, in seconds. */
  readonly offsetSeconds: number;
  /** Zone abbreviation (`UTC`, `CET`, ...). */
  readonly zone: string;
  /** Monotonic clock reading in nanoseconds, when the value carries one. */
  readonly monotonicNs?: bigint;
}

const LONG_MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface Fields {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  weekday: number; // 0 = Sunday
  yearDay: number; // 1-366
}

function fieldsOf(t: GoInstant): Fields {
  const localNs = t.epochNs + BigInt(t.offsetSeconds) * 1_000_000_000n;
  let seconds = localNs / 1_000_000_000n;
  let nanos = localNs % 1_000_000_000n;
  if (nanos < 0n) {
    nanos += 1_000_000_000n;
    seconds -= 1n;
  }
  const d = new Date(Number(seconds) * 1000);
  const start = Date.UTC(d.getUTCFullYear(), 0, 1);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    nanosecond: Number(nanos),
    weekday: d.getUTCDay(),
    yearDay: Math.floor((d.getTime() - start) / 86_400_000) + 1,
  };
}

function pad(n: number, width: number, ch = '0'): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : ch.repeat(width - s.length) + s);
}

function zoneOffset(t: GoInstant, colon: boolean, withSeconds: boolean, hoursOnly: boolean, zulu: boolean): string {
  if (zulu && t.offsetSeconds === 0) return 'Z';
  const abs = Math.abs(t.offsetSeconds);
  const sign = t.offsetSeconds < 0 ? '-' : '+';
  const h = pad(Math.floor(abs / 3600), 2);
  const m = pad(Math.floor(abs / 60) % 60, 2);
  const s = pad(abs % 60, 2);
  if (hoursOnly) return sign + h;
  const sep = colon ? ':' : '';
  return sign + h + sep + m + (withSeconds ? sep + s : '');
}

/** Go's `Time.Format(layout)`. */
export function formatGoTime(t: GoInstant, layout: string): string {
  const f = fieldsOf(t);
  let out = '';
  let i = 0;
  const at = (s: string): boolean => layout.startsWith(s, i);
  while (i < layout.length) {
    const c = layout[i] as string;
    if (c === 'J' && at('January')) { out += LONG_MONTHS[f.month - 1]; i += 7; continue; }
    if (c === 'J' && at('Jan')) { out += (LONG_MONTHS[f.month - 1] as string).slice(0, 3); i += 3; continue; }
    if (c === 'M' && at('Monday')) { out += LONG_DAYS[f.weekday]; i += 6; continue; }
    if (c === 'M' && at('Mon')) { out += (LONG_DAYS[f.weekday] as string).slice(0, 3); i += 3; continue; }
    if (c === 'M' && at('MST')) {
      out += t.zone !== '' ? t.zone : zoneOffset(t, false, false, false, false);
      i += 3;
      continue;
    }
    if (c === '0') {
      if (at('002')) { out += pad(f.yearDay, 3); i += 3; continue; }
      const n = layout[i + 1];
      if (n !== undefined && n >= '1' && n <= '6') {
        const v = { '1': f.month, '2': f.day, '3': f.hour % 12 === 0 ? 12 : f.hour % 12, '4': f.minute, '5': f.second, '6': f.year % 100 }[n] as number;
        out += pad(v, 2);
        i += 2;
        continue;
      }
    }
    if (c === '1') {
      if (at('15')) { out += pad(f.hour, 2); i += 2; continue; }
      out += String(f.month);
      i += 1;
      continue;
    }
    if (c === '2') {
      if (at('2006')) { out += pad(f.year, 4); i += 4; continue; }
      out += String(f.day);
      i += 1;
      continue;
    }
    if (c === '_') {
      if (at('_2006')) { out += '_' + pad(f.year, 4); i += 5; continue; }
      if (at('__2')) { out += pad(f.yearDay, 3, ' '); i += 3; continue; }
      if (at('_2')) { out += pad(f.day, 2, ' '); i += 2; continue; }
    }
    if (c === '3') { out += String(f.hour % 12 === 0 ? 12 : f.hour % 12); i += 1; continue; }
    if (c === '4') { out += String(f.minute); i += 1; continue; }
    if (c === '5') { out += String(f.second); i += 1; continue; }
    if (c === 'P' && at('PM')) { out += f.hour >= 12 ? 'PM' : 'AM'; i += 2; continue; }
    if (c === 'p' && at('pm')) { out += f.hour >= 12 ? 'pm' : 'am'; i += 2; continue; }
    if (c === '-' || c === 'Z') {
      const z = c === 'Z';
      if (at(c + '070000')) { out += zoneOffset(t, false, true, false, z); i += 7; continue; }
      if (at(c + '07:00:00')) { out += zoneOffset(t, true, true, false, z); i += 9; continue; }
      if (at(c + '0700')) { out += zoneOffset(t, false, false, false, z); i += 5; continue; }
      if (at(c + '07:00')) { out += zoneOffset(t, true, false, false, z); i += 6; continue; }
      if (at(c + '07')) { out += zoneOffset(t, false, false, true, z); i += 3; continue; }
    }
    if ((c === '.' || c === ',') && (layout[i + 1] === '0' || layout[i + 1] === '9')) {
      const digit = layout[i + 1] as string;
      let j = i + 1;
      while (layout[j] === digit) j++;
      const next = layout[j];
      if (next === undefined || next < '0' || next > '9') {
        const n = j - i - 1;
        let frac = pad(f.nanosecond, 9).slice(0, Math.min(n, 9));
        if (digit === '9') {
          frac = frac.replace(/0+$/, '');
          out += frac === '' ? '' : c + frac;
        } else {
          out += c + frac;
        }
        i = j;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** Go's `Time.String()`. */
export function goTimeString(t: GoInstant): string {
  let s = formatGoTime(t, '2006-01-02 15:04:05.999999999 -0700 MST');
  if (t.monotonicNs !== undefined) {
    const m = t.monotonicNs;
    const sign = m < 0n ? '-' : '+';
    const abs = m < 0n ? -m : m;
    s += ` m=${sign}${abs / 1_000_000_000n}.${String(abs % 1_000_000_000n).padStart(9, '0')}`;
  }
  return s;
}

/** A `time.Time` struct value with Go's methods, for templates. */
export function goTimeValue(t: GoInstant): GoStruct {
  const f = fieldsOf(t);
  const int = (n: number | bigint): bigint => BigInt(n);
  const utc = (): GoValue => goTimeValue({ epochNs: t.epochNs, offsetSeconds: 0, zone: 'UTC' });
  const methods: Record<string, GoFunc> = {
    String: new GoFunc([], () => goTimeString(t)),
    Format: new GoFunc(['string'], (layout) => formatGoTime(t, layout as string)),
    Unix: new GoFunc([], () => floorDiv(t.epochNs, 1_000_000_000n)),
    UnixMilli: new GoFunc([], () => floorDiv(t.epochNs, 1_000_000n)),
    UnixMicro: new GoFunc([], () => floorDiv(t.epochNs, 1_000n)),
    UnixNano: new GoFunc([], () => t.epochNs),
    Year: new GoFunc([], () => int(f.year)),
    Month: new GoFunc([], () => LONG_MONTHS[f.month - 1] as string),
    Day: new GoFunc([], () => int(f.day)),
    Hour: new GoFunc([], () => int(f.hour)),
    Minute: new GoFunc([], () => int(f.minute)),
    Second: new GoFunc([], () => int(f.second)),
    Nanosecond: new GoFunc([], () => int(f.nanosecond)),
    YearDay: new GoFunc([], () => int(f.yearDay)),
    Weekday: new GoFunc([], () => LONG_DAYS[f.weekday] as string),
    IsZero: new GoFunc([], () => false),
    UTC: new GoFunc([], utc),
    Local: new GoFunc([], () => goTimeValue({ epochNs: t.epochNs, offsetSeconds: t.offsetSeconds, zone: t.zone })),
  };
  return new GoStruct('time.Time', { wall: t.epochNs, ext: t.monotonicNs ?? 0n }, methods);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}
