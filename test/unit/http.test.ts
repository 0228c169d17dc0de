import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwfFault } from '../../src/faults.js';
import { createHttpServer } from '../../src/server/http.js';
import type { Dispatch, HttpServerOptions } from '../../src/server/http.js';
import type { RequestContext } from '../../src/api/context.js';
import { pino } from 'pino';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: unknown;
}

interface Harness {
  port: number;
  logs: string[];
  calls: Array<{ operation: string; input: Record<string, unknown>; ctx: RequestContext }>;
  post(target: string | undefined, body: string, headers?: Record<string, string>): Promise<Answer>;
  get(path: string): Promise<Answer>;
}

/** Runs `fn` against a front on an ephemeral port whose dispatch is `dispatch`. */
async function withServer(
  dispatch: Dispatch,
  fn: (h: Harness) => Promise<void>,
  options: Partial<HttpServerOptions> = {},
): Promise<void> {
  const logs: string[] = [];
  const calls: Harness['calls'] = [];
  // A real pino logger whose lines land in `logs`.
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
  const server = createHttpServer({
    log,
    ...options,
    dispatch: (operation, input, ctx) => {
      calls.push({ operation, input, ctx });
      return dispatch(operation, input, ctx);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const harness: Harness = {
    port,
    logs,
    calls,
    post: (target, body, headers = {}) =>
      request(port, 'POST', '/', body, {
        'content-type': 'application/x-amz-json-1.0',
        ...(target !== undefined ? { 'x-amz-target': target } : {}),
        ...headers,
      }),
    get: (path) => request(port, 'GET', path, undefined, {}),
  };
  try {
    await fn(harness);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function request(
  port: number,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string>,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const echo: Dispatch = async (operation, input) => ({ operation, input });
const LIST_DOMAINS = JSON.stringify({ registrationStatus: 'REGISTERED' });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('both target prefixes reach dispatch with the validated input', async () => {
  await withServer(echo, async (h) => {
    for (const prefix of ['SimpleWorkflowService.', 'com.amazonaws.swf.service.model.SimpleWorkflowService.']) {
      const answer = await h.post(`${prefix}ListDomains`, LIST_DOMAINS);
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/x-amz-json-1.0');
      assert.deepEqual(answer.json, { operation: 'ListDomains', input: { registrationStatus: 'REGISTERED' } });
    }
    assert.equal(h.calls.length, 2);
  });
});

test('application/json and a missing content type are accepted; other types are not', async () => {
  await withServer(echo, async (h) => {
    assert.equal((await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS, { 'content-type': 'application/json' })).status, 200);
    assert.equal((await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS, { 'content-type': '' })).status, 200);
    const form = await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 400);
    assert.equal((form.json as { __type: string }).__type, 'com.amazon.coral.service#SerializationException');
  });
});

test('an unknown or missing target is UnknownOperationException', async () => {
  await withServer(echo, async (h) => {
    for (const target of ['SimpleWorkflowService.DoSomething', 'DynamoDB_20120810.ListTables', 'SimpleWorkflowService.toString', undefined]) {
      const answer = await h.post(target, '{}');
      assert.equal(answer.status, 400, String(target));
      assert.equal((answer.json as { __type: string }).__type, 'com.amazon.coral.service#UnknownOperationException');
    }
    assert.equal(h.calls.length, 0);
  });
});

test('a body that is not a JSON object is SerializationException', async () => {
  await withServer(echo, async (h) => {
    for (const body of ['{"registrationStatus":', '[]', '"x"', 'null', '42']) {
      const answer = await h.post('SimpleWorkflowService.ListDomains', body);
      assert.equal(answer.status, 400, body);
      assert.equal((answer.json as { __type: string }).__type, 'com.amazon.coral.service#SerializationException', body);
    }
    assert.equal(h.calls.length, 0);
  });
});

test('an empty body is {} and goes through validation', async () => {
  await withServer(echo, async (h) => {
    const answer = await h.post('SimpleWorkflowService.ListDomains', '');
    assert.equal(answer.status, 400);
    assert.deepEqual(answer.json, {
      __type: 'com.amazon.coral.validate#ValidationException',
      message:
        "1 validation error detected: Value null at 'registrationStatus' failed to satisfy constraint: Member must not be null",
    });
    assert.equal(h.calls.length, 0);
  });
});

test('an oversized body is refused with 413, declared or streamed', async () => {
  await withServer(
    echo,
    async (h) => {
      const big = JSON.stringify({ registrationStatus: 'REGISTERED', pad: 'x'.repeat(4096) });
      const declared = await h.post('SimpleWorkflowService.ListDomains', big);
      assert.equal(declared.status, 413);
      assert.equal((declared.json as { __type: string }).__type, 'com.amazon.coral.service#RequestEntityTooLargeException');
      assert.equal(declared.headers.connection, 'close');

      // No Content-Length: the limit is enforced while reading the chunks.
      const streamed = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: '127.0.0.1',
            port: h.port,
            method: 'POST',
            path: '/',
            agent: false,
            headers: { 'x-amz-target': 'SimpleWorkflowService.ListDomains', 'transfer-encoding': 'chunked' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.write('x'.repeat(800));
        req.write('x'.repeat(800));
        req.end();
      });
      assert.equal(streamed, 413);
      assert.equal(h.calls.length, 0);

      // The server is still fine afterwards.
      assert.equal((await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS)).status, 200);
    },
    { maxBodyBytes: 1024 },
  );
});

test('an SwfFault renders as its __type and message', async () => {
  await withServer(
    async () => {
      throw new SwfFault('UnknownResourceFault', 'Unknown domain: nowhere');
    },
    async (h) => {
      const answer = await h.post('SimpleWorkflowService.DescribeDomain', '{"name":"nowhere"}');
      assert.equal(answer.status, 400);
      assert.deepEqual(answer.json, {
        __type: 'com.amazonaws.swf.base.model#UnknownResourceFault',
        message: 'Unknown domain: nowhere',
      });
    },
  );
});

test('an unexpected error is logged with its stack and answered as InternalFailure 500', async () => {
  await withServer(
    async () => {
      throw new Error('disk on fire at /var/lib/secret');
    },
    async (h) => {
      const answer = await h.post('SimpleWorkflowService.DescribeDomain', '{"name":"d"}');
      assert.equal(answer.status, 500);
      assert.equal((answer.json as { __type: string }).__type, 'com.amazon.coral.service#InternalFailure');
      assert.doesNotMatch(answer.body, /disk on fire|secret|at .*\.js/);
      assert.equal(h.logs.length, 1);
      const line = JSON.parse(h.logs[0] ?? '{}') as { msg: string; requestId: string; err: { stack: string } };
      assert.match(line.msg, /DescribeDomain .*disk on fire/);
      assert.match(line.err.stack, /\n\s+at /); // the stack
      assert.equal(line.requestId, answer.headers['x-amzn-requestid']);
    },
  );
});

test('undefined results answer {}', async () => {
  await withServer(
    async () => undefined,
    async (h) => {
      const answer = await h.post('SimpleWorkflowService.DeprecateDomain', '{"name":"d"}');
      assert.equal(answer.status, 200);
      assert.equal(answer.body, '{}');
    },
  );
});

test('every answer carries a fresh x-amzn-RequestId', async () => {
  await withServer(echo, async (h) => {
    const answers = [
      await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS),
      await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS),
      await h.post('SimpleWorkflowService.Nope', '{}'),
      await h.post('SimpleWorkflowService.ListDomains', '{'),
      await h.get('/health'),
    ];
    const ids = answers.map((a) => a.headers['x-amzn-requestid']);
    for (const id of ids) assert.match(String(id), UUID);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(h.calls[0]?.ctx.requestId, ids[0]);
  });
});

test('health checks and admin routes', async () => {
  const seen: string[] = [];
  await withServer(
    echo,
    async (h) => {
      assert.deepEqual((await h.get('/')).json, { status: 'ok' });
      assert.deepEqual((await h.get('/health')).json, { status: 'ok' });
      const admin = await request(h.port, 'POST', '/admin/stats', 'payload', {});
      assert.equal(admin.status, 200);
      assert.equal(admin.body, 'admin:payload');
      assert.equal((await h.get('/admin/unknown')).status, 404);
      assert.equal((await h.get('/elsewhere')).status, 404);
      assert.deepEqual(seen, ['/admin/stats', '/admin/unknown']);
    },
    {
      extraRoutes: async (req, res, body) => {
        seen.push(req.url ?? '');
        if (req.url !== '/admin/stats') return false;
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`admin:${body.toString('utf8')}`);
        return true;
      },
    },
  );
});

test('the abort signal fires when the client disconnects mid-request', async () => {
  let entered!: (ctx: RequestContext) => void;
  const inDispatch = new Promise<RequestContext>((resolve) => (entered = resolve));
  const dispatch: Dispatch = (_operation, _input, ctx) => {
    entered(ctx);
    // A long poll: answers only when told to stop.
    return new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve({ taskToken: '' })));
  };
  await withServer(dispatch, async (h) => {
    const req = http.request({
      host: '127.0.0.1',
      port: h.port,
      method: 'POST',
      path: '/',
      agent: false,
      headers: { 'x-amz-target': 'SimpleWorkflowService.PollForDecisionTask' },
    });
    req.on('error', () => {}); // the socket is destroyed on purpose
    req.end(JSON.stringify({ domain: 'd', taskList: { name: 'q' } }));

    const ctx = await inDispatch;
    assert.equal(ctx.clientGone(), false);
    assert.equal(ctx.signal.aborted, false);
    const aborted = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
    req.destroy();
    await aborted;
    assert.equal(ctx.clientGone(), true);
  });
});

test('a finished request is not reported as aborted', async () => {
  await withServer(echo, async (h) => {
    await h.post('SimpleWorkflowService.ListDomains', LIST_DOMAINS);
    const ctx = h.calls[0]?.ctx;
    assert.ok(ctx !== undefined);
    assert.equal(ctx.clientGone(), false);
    assert.equal(typeof ctx.remoteAddress, 'string');
  });
});

test('timeouts leave room for 60-70 s long polls on kept-alive connections', () => {
  const server = createHttpServer({ dispatch: echo });
  assert.ok(server.keepAliveTimeout > 60_000);
  assert.ok(server.headersTimeout > server.keepAliveTimeout);
  assert.ok(server.requestTimeout === 0 || server.requestTimeout > 120_000);
  assert.equal(server.timeout, 0);
});
