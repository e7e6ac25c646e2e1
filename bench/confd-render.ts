/**
 * Render time of confd templates over 10,000 keys: ranging with `gets` over a glob, and with
 * `lsdir` + `getv` per directory, plus one whole resource processing (fetch from an in-memory
 * backend, render, stage file, compare, rename).
 *
 *   node --import tsx bench/confd-render.ts [--iterations N]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemKV } from '../src/confd/memkv.js';
import { confdFunctions, type FunctionHost } from '../src/confd/template-functions.js';
import { Template } from '../src/confd/gotemplate/template.js';
import { ConfdLogger } from '../src/confd/logger.js';
import { processResource } from '../src/confd/resource-processor.js';
import type { StoreClient } from '../src/confd/store-client.js';

const HOSTS = 5000; // two keys each: 10,000 keys

const host: FunctionHost = {
  getenv: () => undefined,
  now: () => ({ epochNs: 0n, offsetSeconds: 0, zone: 'UTC' }),
  lookupIP: () => [],
  lookupSRV: () => [],
  fileExists: () => false,
};

const TEMPLATES: Record<string, string> = {
  'gets glob': `upstream web {
{{- range gets "/services/web/*/ip"}}
    server {{.Value}}:{{getv (printf "%s/port" (dir .Key))}}; # {{base (dir .Key)}}
{{- end}}
}
`,
  'lsdir + getv': `{{range $h := lsdir "/services/web"}}{{$h}} {{getv (printf "/services/web/%s/ip" $h)}}:{{getv (printf "/services/web/%s/port" $h)}}
{{end}}`,
  'getvs + join': `{{join (getvs "/services/web/*/ip") ","}}\n`,
};

function keys(): Map<string, string> {
  const m = new Map<string, string>();
  for (let i = 0; i < HOSTS; i++) {
    const name = `host${String(i).padStart(5, '0')}`;
    m.set(`/services/web/${name}/ip`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    m.set(`/services/web/${name}/port`, String(8000 + (i % 1000)));
  }
  return m;
}

function summary(samples: number[]): string {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return `min ${(s[0] as number).toFixed(2)} ms, median ${at(0.5).toFixed(2)} ms, p90 ${at(0.9).toFixed(2)} ms, max ${(s[s.length - 1] as number).toFixed(2)} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const iterations = argv[0] === '--iterations' ? Number(argv[1]) : 30;
  const data = keys();
  const store = new MemKV();
  store.replaceAll(data);
  const funcs = confdFunctions(store, host);
  console.log(`confd render over ${data.size} keys, ${iterations} iterations each (node ${process.version})`);
  for (const [name, text] of Object.entries(TEMPLATES)) {
    const parse: number[] = [];
    const exec: number[] = [];
    let bytes = 0;
    for (let i = 0; i < iterations + 3; i++) {
      const t0 = performance.now();
      const t = new Template('bench.tmpl', funcs).parse(text);
      const t1 = performance.now();
      bytes = t.execute().length;
      const t2 = performance.now();
      if (i >= 3) {
        parse.push(t1 - t0);
        exec.push(t2 - t1);
      }
    }
    console.log(`  ${name.padEnd(14)} execute: ${summary(exec)}; parse ${summary(parse).split(',')[1]?.trim()}; output ${bytes} bytes`);
  }

  // One whole processing of a resource (as confd does on every change), in-memory backend.
  const dir = mkdtempSync(join(tmpdir(), 'confd-bench-'));
  try {
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'web.tmpl'), TEMPLATES['gets glob'] as string);
    const backend: StoreClient = {
      getValues: async () => ({ values: data, index: 1 }),
      watchPrefix: async () => ({ index: 1 }),
      close: () => undefined,
    };
    const log = new ConfdLogger({ write: () => undefined }, { hostname: 'bench', argv0: 'confd', pid: 0 });
    const samples: number[] = [];
    let counter = 0;
    for (let i = 0; i < iterations + 3; i++) {
      data.set('/services/web/host00000/port', String(9000 + i)); // a change each time: the file is rewritten
      const t0 = performance.now();
      await processResource(
        {
          file: 'bench.toml',
          src: join(dir, 'templates', 'web.tmpl'),
          dest: join(dir, 'web.conf'),
          keys: ['/services'],
          prefix: '/',
          mode: '',
          uid: process.getuid?.() ?? 0,
          gid: process.getgid?.() ?? 0,
          checkCmd: '',
          reloadCmd: '',
        },
        {
          store: backend,
          log,
          functionHost: host,
          noop: false,
          syncOnly: false,
          keepStageFile: false,
          randomDigits: () => String(100000000 + counter++),
          runCommand: async () => ({ output: '', error: undefined }),
        },
      );
      if (i >= 3) samples.push(performance.now() - t0);
    }
    console.log(`  whole resource (fetch, render, stage, compare, rename): ${summary(samples)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
