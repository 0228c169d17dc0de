/**
 * A lean SWF client for the load benchmark's loops (`--client http`): node:http with a
 * keep-alive agent of its own (one per loop, as separate worker processes would have), POST `/`
 * with the JSON protocol's two headers, JSON.stringify out and JSON.parse back. No middleware
 * stack, no retries, no (de)serialisers: the AWS SDK v3 spends 1.4–3 ms of CPU per request on
 * those, more than the server under test spends answering it.
 *
 * Faults (a non-2xx answer) reject with an Error named after the answer's `__type` (the part
 * after `#`), as the SDK names its exceptions, so the benchmark counts them the same way. The
 * abort signal ends a request in flight (and its socket) with an AbortError.
 *
 * Authorization: OpenSWF with authentication off reads only the region of a SigV4 Authorization
 * header (for ARNs) and moto reads the region and access key from it (its default region and
 * account otherwise), so without signing a fixed SigV4-shaped header names us-east-1 and the
 * access key, as the SDK's signature would. With `sign: true` (OpenSWF with authentication on)
 * every request is signed with @smithy/signature-v4, the signer the SDK itself uses.
 */
import http from 'node:http';
import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import type {
  PollForActivityTaskInput,
  PollForDecisionTaskInput,
  RespondActivityTaskCompletedInput,
  RespondDecisionTaskCompletedInput,
  StartWorkflowExecutionInput,
} from '@aws-sdk/client-swf';
import type { ActivityTaskOut, DecisionTaskPage, LoopClient } from './loop-client.js';

export interface HttpClientOptions {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Sign every request (SigV4); otherwise send a fixed, SigV4-shaped Authorization header. */
  sign: boolean;
  /** A request still unanswered after this long fails with a TimeoutError. */
  timeoutMs: number;
}

class Sha256 extends Hash {
  constructor(secret?: SourceData) {
    super('sha256', secret);
  }
}

/** A fault answered by the server: named like the SDK's exceptions. */
export class SwfHttpFault extends Error {
  constructor(
    name: string,
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

export class HttpLoopClient implements LoopClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private readonly hostname: string;
  private readonly port: number;
  private readonly host: string;
  private readonly signer: SignatureV4 | undefined;
  private readonly fixedAuthorization: string;

  constructor(
    url: string,
    private readonly opts: HttpClientOptions,
  ) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') throw new Error(`the lean client speaks plain HTTP only, not ${parsed.protocol} (${url})`);
    this.hostname = parsed.hostname;
    this.port = Number(parsed.port || 80);
    this.host = parsed.host;
    this.signer = opts.sign ? new SignatureV4({ credentials: opts.credentials, region: opts.region, service: 'swf', sha256: Sha256 }) : undefined;
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '');
    this.fixedAuthorization =
      `AWS4-HMAC-SHA256 Credential=${opts.credentials.accessKeyId}/${today}/${opts.region}/swf/aws4_request, ` +
      `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;
  }

  startWorkflowExecution(input: StartWorkflowExecutionInput, signal: AbortSignal): Promise<{ runId?: string }> {
    return this.call('StartWorkflowExecution', input, signal);
  }

  pollForDecisionTask(input: PollForDecisionTaskInput, signal: AbortSignal): Promise<DecisionTaskPage> {
    return this.call('PollForDecisionTask', input, signal);
  }

  respondDecisionTaskCompleted(input: RespondDecisionTaskCompletedInput, signal: AbortSignal): Promise<unknown> {
    return this.call('RespondDecisionTaskCompleted', input, signal);
  }

  pollForActivityTask(input: PollForActivityTaskInput, signal: AbortSignal): Promise<ActivityTaskOut> {
    return this.call('PollForActivityTask', input, signal);
  }

  respondActivityTaskCompleted(input: RespondActivityTaskCompletedInput, signal: AbortSignal): Promise<unknown> {
    return this.call('RespondActivityTaskCompleted', input, signal);
  }

  destroy(): void {
    this.agent.destroy();
  }

  /** One request; the answer's JSON is trusted to have the operation's output shape. */
  private async call<T>(operation: string, input: object, signal: AbortSignal): Promise<T> {
    signal.throwIfAborted();
    const body = JSON.stringify(input);
    const headers = await this.headers(operation, body);
    return new Promise<T>((resolve, reject) => {
      const req = http.request({ hostname: this.hostname, port: this.port, path: '/', method: 'POST', agent: this.agent, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('close', () => {
          if (!res.complete) reject(new Error(`${operation}: connection closed before the whole answer`));
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            return reject(new SwfHttpFault(`HTTP${status}`, status, `${operation}: answer is not JSON: ${text.slice(0, 200)}`));
          }
          if (status >= 200 && status < 300) return resolve(parsed as T);
          reject(fault(status, parsed, res.headers['x-amzn-errortype']));
        });
      });
      req.on('error', reject);
      req.setTimeout(this.opts.timeoutMs, () => {
        const timeout = new Error(`${operation}: no answer within ${this.opts.timeoutMs} ms`);
        timeout.name = 'TimeoutError';
        req.destroy(timeout);
      });
      req.end(body);
    });
  }

  private async headers(operation: string, body: string): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      host: this.host,
      'content-type': 'application/x-amz-json-1.0',
      'content-length': String(Buffer.byteLength(body)),
      'x-amz-target': `SimpleWorkflowService.${operation}`,
    };
    if (!this.signer) {
      headers['x-amz-date'] = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
      headers.authorization = this.fixedAuthorization;
      return headers;
    }
    const signed = await this.signer.sign(new HttpRequest({ method: 'POST', protocol: 'http:', hostname: this.hostname, port: this.port, path: '/', headers, body }));
    return signed.headers;
  }
}

/** The SDK's name for a fault: `__type` after its namespace (`...#UnknownResourceFault`), else the header, else the status. */
function fault(status: number, body: unknown, errorType: string | string[] | undefined): SwfHttpFault {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const type = typeof record.__type === 'string' ? record.__type : typeof errorType === 'string' ? errorType : `HTTP${status}`;
  const name = (type.split('#').pop() ?? type).split(':')[0] ?? type;
  const message = typeof record.message === 'string' ? record.message : typeof record.Message === 'string' ? record.Message : '';
  return new SwfHttpFault(name, status, message);
}
