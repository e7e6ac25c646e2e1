/**
 * `node --import tsx bench/wal-fsync.ts [millisPerRun] [cpuMicrosPerSave]`: how fast the write-ahead
 * log makes saves durable on this disk. First the raw cost of write + fdatasync (blocking vs
 * threadpool), then `Wal.save` with 1, 16, 64 and 256 concurrent savers in both sync modes, printing
 * saves/s, fsyncs/s, saves per fsync and save latency. Each run lasts a fraction of a second.
 * With cpuMicrosPerSave > 0 every saver first keeps the event loop busy that long, as request
 * handling in the server would; that shows what blocking fsyncs on the event loop cost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Wal, type WalSyncMode } from '../src/wal/wal.js';
import type { HardState, WalEntry } from '../src/wal/types.js';

const RUN_MS = Number(process.argv[2] ?? 400);
const CPU_MICROS_PER_SAVE = Number(process.argv[3] ?? 0);
const CONCURRENCY = [1, 16, 64, 256];
const ENTRY_BYTES = 128; // about the size of a v2 PUT entry
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'flotilla-wal-bench-'));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function row(cells: Array<string | number>, widths: number[]): string {
  return cells.map((c, i) => String(c).padStart(widths[i]!)).join('  ');
}

async function rawFsync(mode: WalSyncMode): Promise<number> {
  const file = path.join(root, `raw-${mode}`);
  const fd = fs.openSync(file, 'w+');
  fs.writeSync(fd, Buffer.alloc(8 << 20));
  fs.fdatasyncSync(fd);
  const record = Buffer.alloc(ENTRY_BYTES + 48, 1);
  const deadline = performance.now() + RUN_MS;
  let ops = 0;
  const start = performance.now();
  while (performance.now() < deadline) {
    const at = (ops * record.length) % (8 << 20);
    if (mode === 'sync') {
      fs.writeSync(fd, record, 0, record.length, at);
      fs.fdatasyncSync(fd);
    } else {
      await new Promise<void>((resolve, reject) =>
        fs.write(fd, record, 0, record.length, at, (err) => (err ? reject(err) : resolve())),
      );
      await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
    }
    ops++;
  }
  const rate = ops / ((performance.now() - start) / 1000);
  fs.closeSync(fd);
  fs.unlinkSync(file);
  return rate;
}

function busyFor(micros: number): void {
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // request handling stand-in
  }
}

interface RunResult {
  saves: number;
  fsyncs: number;
  seconds: number;
  latencies: number[];
}

async function runSavers(wal: Wal, concurrency: number, firstIndex: number): Promise<RunResult & { nextIndex: number }> {
  let nextIndex = firstIndex;
  const data = new Uint8Array(ENTRY_BYTES).fill(0x61);
  const latencies: number[] = [];
  const before = wal.stats;
  const start = performance.now();
  const deadline = start + RUN_MS;
  const saver = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const index = nextIndex++;
      const entry: WalEntry = { index, term: 1, type: 0, data };
      const state: HardState = { term: 1, vote: 1n, commit: index - 1 };
      const t0 = performance.now();
      if (CPU_MICROS_PER_SAVE > 0) busyFor(CPU_MICROS_PER_SAVE);
      await wal.save(state, [entry]);
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, saver));
  const seconds = (performance.now() - start) / 1000;
  const after = wal.stats;
  latencies.sort((a, b) => a - b);
  return { saves: after.saves - before.saves, fsyncs: after.fsyncs - before.fsyncs, seconds, latencies, nextIndex };
}

async function main(): Promise<void> {
  console.log(
    `wal fsync benchmark: ${RUN_MS} ms per run, ${ENTRY_BYTES}-byte entries with a hard state, ` +
      `${CPU_MICROS_PER_SAVE} us of event-loop work per save, dir ${os.tmpdir()}`,
  );
  for (const mode of ['sync', 'threadpool'] as WalSyncMode[]) {
    console.log(`raw write+fdatasync, ${mode}: ${(await rawFsync(mode)).toFixed(0)} /s`);
  }
  const widths = [10, 11, 10, 9, 12, 9, 9];
  console.log();
  console.log(row(['mode', 'concurrency', 'saves/s', 'fsyncs/s', 'saves/fsync', 'p50 ms', 'p99 ms'], widths));
  for (const mode of ['sync', 'threadpool'] as WalSyncMode[]) {
    const dir = path.join(root, mode);
    const wal = await Wal.create(dir, new TextEncoder().encode('bench'), { syncMode: mode });
    let nextIndex = 1;
    for (const concurrency of CONCURRENCY) {
      const result = await runSavers(wal, concurrency, nextIndex);
      nextIndex = result.nextIndex;
      console.log(
        row(
          [
            mode,
            concurrency,
            (result.saves / result.seconds).toFixed(0),
            (result.fsyncs / result.seconds).toFixed(0),
            (result.saves / Math.max(1, result.fsyncs)).toFixed(1),
            percentile(result.latencies, 50).toFixed(2),
            percentile(result.latencies, 99).toFixed(2),
          ],
          widths,
        ),
      );
    }
    await wal.close();
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(root, { recursive: true, force: true }));
