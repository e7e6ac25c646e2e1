/**
 * confd from start to exit: settings, logging, backend, then one of the three modes (onetime,
 * interval, watch), and the SIGINT/SIGTERM handling.
 */
import { randomInt } from 'node:crypto';
import { promises as dns } from 'node:dns';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import {
  applyConfigToml,
  applyEnvironment,
  ConfdHelpRequested,
  ConfdUsageError,
  defaultConfig,
  defaultNodes,
  parseFlags,
  usageText,
  type ConfdConfig,
} from './config.js';
import { EnvBackend } from './backends/env-backend.js';
import { EtcdBackend } from './backends/etcd-backend.js';
import { FileBackend } from './backends/file-backend.js';
import { ConfdLogger, parseLogLevel } from './logger.js';
import { nodeFunctionHost } from './node-function-host.js';
import { processResource, ProcessError, type ProcessorContext } from './resource-processor.js';
import { runShellCommand } from './shell-command.js';
import type { StoreClient } from './store-client.js';
import { fetchKeys, findResourceFiles, readTemplateResource, type TemplateResource } from './template-resource.js';
import { lookupGroupId, lookupUserId } from './user-lookup.js';

export const CONFD_VERSION = '0.16.0';

export interface ConfdIo {
  readonly argv0: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderr: (text: string) => void;
  readonly stdout: (text: string) => void;
  /** Resolves when the process should stop (signal name as Go prints it: `interrupt`, `terminated`). */
  readonly stopSignal: Promise<string>;
}

class FatalExit extends Error {}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      stop.removeEventListener('abort', done);
      resolve();
    }
    stop.addEventListener('abort', done, { once: true });
  });
}

async function nodesFromSrv(record: string): Promise<string[]> {
  const records = await dns.resolveSrv(record);
  return records.map((r) => `${r.name.replace(/\.$/, '')}:${r.port}`);
}

/** Runs confd with `args` (without argv0); resolves with the exit status. */
export async function runConfd(args: readonly string[], io: ConfdIo): Promise<number> {
  const log = new ConfdLogger({ write: io.stderr }, { hostname: hostname(), argv0: io.argv0, pid: process.pid });
  const config = defaultConfig();
  try {
    parseFlags(args, config);
  } catch (e) {
    if (e instanceof ConfdHelpRequested) {
      io.stderr(usageText(io.argv0));
      return 0;
    }
    if (e instanceof ConfdUsageError) {
      io.stderr(`${e.message}\n${usageText(io.argv0)}`);
      return 2;
    }
    throw e;
  }
  if (config.printVersion) {
    io.stdout(`confd ${CONFD_VERSION} (Git SHA: flotilla, Go Version: node ${process.version})\n`);
    return 0;
  }
  const fatal = (message: string): never => {
    log.fatal(message);
    throw new FatalExit(message);
  };
  try {
    await initConfig(config, io, log, fatal);
    log.info('Starting confd');
    const store = createBackend(config, io, log, fatal);
    const stop = new AbortController();
    void io.stopSignal.then((name) => {
      log.info(`Captured ${name}. Exiting...`);
      stop.abort();
    });
    const ctx: ProcessorContext = {
      store,
      log,
      functionHost: nodeFunctionHost(io.env),
      noop: config.noop,
      syncOnly: config.syncOnly,
      keepStageFile: config.keepStageFile,
      randomDigits: () => String(1e9 + randomInt(1e9)).slice(1),
      runCommand: runShellCommand,
    };
    try {
      if (config.onetime) return await runOnetime(config, ctx, fatal);
      if (config.watch) await runWatch(config, ctx, stop.signal, fatal);
      else await runInterval(config, ctx, stop.signal, fatal);
      return 0;
    } finally {
      store.close();
    }
  } catch (e) {
    if (e instanceof FatalExit) return 1;
    throw e;
  }
}

async function initConfig(config: ConfdConfig, io: ConfdIo, log: ConfdLogger, fatal: (m: string) => never): Promise<void> {
  if (!existsSync(config.configFile)) {
    log.debug('Skipping confd config file.');
  } else {
    log.debug(`Loading ${config.configFile}`);
    try {
      applyConfigToml(readFileSync(config.configFile, 'utf8'), config);
    } catch (e) {
      fatal((e as Error).message);
    }
  }
  applyEnvironment(config, io.env);
  if (config.logLevel !== '') {
    const level = parseLogLevel(config.logLevel);
    if (level === undefined) fatal(`not a valid level: "${config.logLevel}"`);
    else log.setLevel(level);
  }
  if (config.backend !== 'env' && config.srvRecord !== '') {
    log.info(`SRV record set to ${config.srvRecord}`);
    let nodes: string[];
    try {
      nodes = await nodesFromSrv(config.srvRecord);
    } catch (e) {
      return fatal(`Cannot get nodes from SRV records ${(e as Error).message}`);
    }
    config.nodes = config.backend === 'etcd' ? nodes.map((n) => `${config.scheme}://${n}`) : nodes;
  }
  if (config.nodes.length === 0) config.nodes = defaultNodes(config.backend, io.env);
  log.info(`Backend set to ${config.backend}`);
  if (config.watch && (config.backend === 'dynamodb' || config.backend === 'ssm')) {
    log.info(`Watch is not supported for backend ${config.backend}. Exiting...`);
    throw new FatalExit('watch not supported');
  }
  if (config.backend === 'dynamodb' && config.table === '') fatal('No DynamoDB table configured');
}

const KNOWN_BACKENDS = new Set(['etcd', 'etcdv3', 'consul', 'env', 'file', 'redis', 'vault', 'zookeeper', 'dynamodb', 'rancher', 'ssm']);

function createBackend(config: ConfdConfig, io: ConfdIo, log: ConfdLogger, fatal: (m: string) => never): StoreClient {
  if (config.backend === 'file') log.info(`Backend source(s) set to ${config.file.join(', ')}`);
  else log.info(`Backend source(s) set to ${config.nodes.join(', ')}`);
  switch (config.backend) {
    case 'etcd': {
      const tls =
        config.clientCert !== '' || config.clientKey !== '' || config.clientCaKeys !== ''
          ? {
              certFile: config.clientCert || undefined,
              keyFile: config.clientKey || undefined,
              caFile: config.clientCaKeys || undefined,
            }
          : undefined;
      return new EtcdBackend({
        nodes: config.nodes,
        tls,
        username: config.basicAuth ? config.username : undefined,
        password: config.basicAuth ? config.password : undefined,
      });
    }
    case 'env':
      return new EnvBackend(io.env);
    case 'file':
      return new FileBackend(config.file, config.filter);
  }
  if (KNOWN_BACKENDS.has(config.backend)) return fatal(`Backend ${config.backend} is not supported by this implementation (supported: etcd, env, file)`);
  return fatal('Invalid backend');
}

/** confd's getTemplateResources: every resource file, or the last load error. */
function loadResources(config: ConfdConfig, log: ConfdLogger): TemplateResource[] {
  log.debug(`Loading template resources from confdir ${config.confdir}`);
  if (!existsSync(config.confdir)) {
    log.warning(`Cannot load template resources: confdir '${config.confdir}' does not exist`);
    return [];
  }
  const files = findResourceFiles(join(config.confdir, 'conf.d'));
  if (files.length < 1) log.warning('Found no templates');
  const resources: TemplateResource[] = [];
  let lastError: Error | undefined;
  const defaults = {
    templateDir: join(config.confdir, 'templates'),
    globalPrefix: config.prefix,
    uid: process.geteuid?.() ?? 0,
    gid: process.getegid?.() ?? 0,
    lookupUser: lookupUserId,
    lookupGroup: lookupGroupId,
  };
  for (const f of files) {
    log.debug(`Found template: ${f}`);
    try {
      resources.push(readTemplateResource(f, defaults));
    } catch (e) {
      lastError = e as Error;
    }
  }
  if (lastError) throw lastError;
  return resources;
}

async function processAll(resources: readonly TemplateResource[], ctx: ProcessorContext): Promise<string | undefined> {
  let last: string | undefined;
  for (const r of resources) {
    try {
      await processResource(r, ctx);
    } catch (e) {
      if (!(e instanceof ProcessError)) throw e;
      ctx.log.error(e.message);
      last = e.message;
    }
  }
  return last;
}

async function runOnetime(config: ConfdConfig, ctx: ProcessorContext, fatal: (m: string) => never): Promise<number> {
  let resources: TemplateResource[];
  try {
    resources = loadResources(config, ctx.log);
  } catch (e) {
    return fatal((e as Error).message);
  }
  const last = await processAll(resources, ctx);
  if (last !== undefined) fatal(last);
  return 0;
}

async function runInterval(config: ConfdConfig, ctx: ProcessorContext, stop: AbortSignal, fatal: (m: string) => never): Promise<void> {
  while (!stop.aborted) {
    let resources: TemplateResource[];
    try {
      resources = loadResources(config, ctx.log);
    } catch (e) {
      return fatal((e as Error).message);
    }
    await processAll(resources, ctx);
    await sleep(config.interval * 1000, stop);
  }
}

const WATCH_RETRY_MS = 2000;

/** One resource in watch mode: render, then re-render after every relevant change, resuming the watch. */
async function monitorResource(r: TemplateResource, ctx: ProcessorContext, stop: AbortSignal): Promise<void> {
  const keys = fetchKeys(r);
  let afterIndex = 0;
  let first = true;
  let retryFetch = false;
  while (!stop.aborted) {
    if (retryFetch) {
      // The last fetch never reached the backend: try again rather than wait for a change.
      await sleep(WATCH_RETRY_MS, stop);
      if (stop.aborted) return;
    } else if (!first) {
      try {
        const w = await ctx.store.watchPrefix(r.prefix, keys, afterIndex, stop);
        if (stop.aborted) return;
        afterIndex = w.index;
      } catch (e) {
        ctx.log.error((e as Error).message);
        await sleep(WATCH_RETRY_MS, stop);
        continue;
      }
    }
    first = false;
    retryFetch = false;
    try {
      const outcome = await processResource(r, ctx);
      if (outcome.fetchIndex > 0) afterIndex = outcome.fetchIndex;
    } catch (e) {
      if (!(e instanceof ProcessError)) throw e;
      ctx.log.error(e.message);
      if (e.fetchIndex !== undefined && e.fetchIndex > 0) afterIndex = e.fetchIndex;
      retryFetch = e.backendUnreachable;
    }
  }
}

async function runWatch(config: ConfdConfig, ctx: ProcessorContext, stop: AbortSignal, fatal: (m: string) => never): Promise<void> {
  let resources: TemplateResource[];
  try {
    resources = loadResources(config, ctx.log);
  } catch (e) {
    return fatal((e as Error).message);
  }
  await Promise.all(resources.map((r) => monitorResource(r, ctx, stop)));
}
