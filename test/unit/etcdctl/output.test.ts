import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, goResponseJson } from '../../../src/etcdctl/go-json.js';
import { printListing, printResponseKey } from '../../../src/etcdctl/response-printer.js';
import { commandHelp } from '../../../src/etcdctl/help-text.js';
import { COMMANDS, findCommand } from '../../../src/etcdctl/command-table.js';
import type { CtlIO } from '../../../src/etcdctl/ctl-io.js';
import type { EtcdResponse } from '../../../src/client/index.js';

function capture(): { io: CtlIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {}, readStdin: async () => '' },
    out: () => out,
    err: () => err,
  };
}

const setResponse: EtcdResponse = {
  action: 'set',
  node: { key: '/k', value: 'new', dir: false, modifiedIndex: 8, createdIndex: 8, ttl: 30, expiration: '2026-11-25T17:09:39.6Z' },
  prevNode: { key: '/k', value: 'old', dir: false, modifiedIndex: 7, createdIndex: 7 },
  etcdIndex: 8,
  raftIndex: 20,
  raftTerm: 2,
};

test('strings are escaped like Go encoding/json', () => {
  assert.equal(goQuote('a<b>&"\\\n\t\b\f\u0001\u007f\u2028é'), '"a\\u003cb\\u003e\\u0026\\"\\\\\\n\\t\\u0008\\u000c\\u0001\u007f\\u2028é"');
});

test('json output has the Go client field order, nodes:null and prevNode:null', () => {
  assert.equal(
    goResponseJson(setResponse),
    '{"action":"set","node":{"key":"/k","value":"new","nodes":null,"createdIndex":8,"modifiedIndex":8,' +
      '"expiration":"2026-11-25T17:09:39.6Z","ttl":30},"prevNode":{"key":"/k","value":"old","nodes":null,"createdIndex":7,"modifiedIndex":7}}',
  );
  assert.equal(
    goResponseJson({ ...setResponse, node: { key: '', dir: true, modifiedIndex: 0, createdIndex: 0, nodes: [] }, prevNode: undefined }),
    '{"action":"set","node":{"key":"","dir":true,"value":"","nodes":[],"createdIndex":0,"modifiedIndex":0},"prevNode":null}',
  );
});

test('simple and extended formats', () => {
  const c = capture();
  printResponseKey(c.io, setResponse, 'simple');
  printResponseKey(c.io, setResponse, 'extended');
  printResponseKey(c.io, { ...setResponse, action: 'delete' }, 'simple');
  printResponseKey(c.io, setResponse, 'yaml');
  assert.equal(
    c.out(),
    'new\nKey: /k\nCreated-Index: 8\nModified-Index: 8\nPrevNode.Value: old\nTTL: 30\nIndex: 8\n\nnew\nPrevNode.Value: old\n',
  );
  assert.equal(c.err(), 'Unsupported output format: yaml\n');
});

test('ls prints children depth first, with -p marking directories', () => {
  const c = capture();
  const listing: EtcdResponse = {
    ...setResponse,
    action: 'get',
    prevNode: undefined,
    node: {
      key: '/d', dir: true, modifiedIndex: 1, createdIndex: 1,
      nodes: [
        { key: '/d/a', value: '1', dir: false, modifiedIndex: 2, createdIndex: 2 },
        { key: '/d/s', dir: true, modifiedIndex: 3, createdIndex: 3, nodes: [{ key: '/d/s/x', value: '', dir: false, modifiedIndex: 4, createdIndex: 4 }] },
      ],
    },
  };
  printListing(c.io, listing, true);
  printListing(c.io, { ...setResponse, action: 'get' }, false);
  assert.equal(c.out(), '/d/a\n/d/s/\n/d/s/x\n/k\n');
});

test('command help in the layout of the real tool', () => {
  assert.equal(
    commandHelp(findCommand(COMMANDS, 'get')!, 'etcdctl get'),
    'NAME:\n   etcdctl get - retrieve the value of a key\n\nUSAGE:\n   etcdctl get [command options] <key>\n\n' +
      'OPTIONS:\n   --sort        returns result in sorted order\n   --quorum, -q  require quorum for get request\n   \n',
  );
  assert.equal(
    commandHelp(findCommand(COMMANDS, 'rmdir')!, 'etcdctl rmdir'),
    'NAME:\n   etcdctl rmdir - removes the key if it is an empty directory or a key-value pair\n\nUSAGE:\n   etcdctl rmdir <key>\n',
  );
});
