/**
 * Servers for integration tests, disposed of through node:test's hooks, so that no test file
 * repeats the start / client / dispose steps:
 *
 *   const { server, swf } = await serverForFile({ clock: 'virtual' });  // top level: one for the file
 *   const { server, swf } = await serverForTest(t, { args: [...] });    // one for a single test
 *
 * (Kept apart from server.ts, which the benchmarks import outside any test run.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, type TestContext } from 'node:test';
import type { SWFClient } from '@aws-sdk/client-swf';
import { TestServer, type ServerOptions } from './server.js';

export interface Served {
  readonly server: TestServer;
  /** A client of `server`. */
  readonly swf: SWFClient;
}

/** What a clean-up is registered with: a test's context (`t.after`). */
type TestScope = Pick<TestContext, 'after'>;

/** A server shared by the tests of a file (call it at the top level), disposed after the last one. */
export async function serverForFile(options: ServerOptions = {}): Promise<Served> {
  const server = await TestServer.start(options);
  after(() => server.dispose());
  return { server, swf: server.client() };
}

/** A server of one test's own, disposed when the test ends. */
export async function serverForTest(t: TestScope, options: ServerOptions = {}): Promise<Served> {
  const server = await TestServer.start(options);
  t.after(() => server.dispose());
  return { server, swf: server.client() };
}

export interface RestartableServer extends Served {
  /** The process running now: the first one until `restart`. */
  readonly server: TestServer;
  /**
   * Starts a new process on the same data and options (stop or kill the running one first) and
   * answers a client of it. The process running when the test ends is disposed.
   */
  restart(): Promise<SWFClient>;
}

/** A server a test stops (or kills) and starts again on the same data. */
export async function restartableServer(t: TestScope, options: ServerOptions = {}): Promise<RestartableServer> {
  let server = await TestServer.start(options);
  t.after(() => server.dispose());
  return {
    get server() {
      return server;
    },
    swf: server.client(),
    async restart() {
      server = await server.restart();
      return server.client();
    },
  };
}

/**
 * Asserts that `openswf serve` with these options stops before it listens, printing what
 * `message` matches (and exiting with `exitCode`, when given). Its data folder is removed.
 */
export async function expectStartFailure(options: ServerOptions, message: RegExp, exitCode?: number): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openswf-test-'));
  try {
    await assert.rejects(TestServer.start({ ...options, dataDir }), (err: Error) => {
      assert.match(err.message, exitCode === undefined ? /server exited with \d+:/ : new RegExp(`server exited with ${exitCode}:`));
      assert.match(err.message, message);
      return true;
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
