// Bundles the server and confd of the compiled build (dist/src/cli/etcd.js and confd.js, each with
// everything it imports, npm packages included) into one ES module each: dist/bundle/etcd.mjs and
// confd.mjs. Node's ES module loader spends most of their start resolving and linking the build's
// files one by one; a single file starts sooner, which counts on every member restart and every
// `confd -onetime`. etcdctl imports few files and starts no sooner bundled, so it is left out.
// Run by `npm run build` after tsc.
import { build } from 'esbuild';

await build({
  entryPoints: {
    etcd: 'dist/src/cli/etcd.js',
    confd: 'dist/src/cli/confd.js',
  },
  outdir: 'dist/bundle',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  // prom-client is CommonJS and requires Node's own modules; an ES module has no `require`.
  banner: { js: "import { createRequire as flotillaCreateRequire } from 'node:module';\nconst require = flotillaCreateRequire(import.meta.url);" },
});
