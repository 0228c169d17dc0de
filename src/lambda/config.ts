/**
 * The operator's Lambda mapping: which HTTP endpoint runs each function name that deciders
 * schedule with ScheduleLambdaFunction. OpenSWF has no AWS Lambda; it calls these endpoints
 * itself (see invoker.ts and docs/lambda.md). The file is JSON:
 *
 *   { "resize-image": { "url": "http://127.0.0.1:9000/resize", "headers": { "authorization": "Bearer s3cret" } } }
 */
import { readFileSync } from 'node:fs';

export interface LambdaEndpoint {
  url: string;
  /** Extra request headers, e.g. a shared secret the endpoint checks. */
  headers: Record<string, string>;
}

export class LambdaFunctions {
  private readonly endpoints: ReadonlyMap<string, LambdaEndpoint>;

  constructor(endpoints: Iterable<[string, LambdaEndpoint]> = []) {
    this.endpoints = new Map(endpoints);
  }

  get size(): number {
    return this.endpoints.size;
  }

  /**
   * The endpoint of a function name. Deciders may name a function by its ARN
   * (arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]); an ARN that is not
   * mapped as such falls back to the function name inside it, so code written for AWS runs
   * unchanged against a mapping by plain names.
   */
  resolve(name: string): LambdaEndpoint | undefined {
    const exact = this.endpoints.get(name);
    if (exact) return exact;
    const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(name);
    return arn?.[1] !== undefined ? this.endpoints.get(arn[1]) : undefined;
  }
}

/** Parses the mapping; throws an Error that names the offending entry. */
export function parseLambdaConfig(text: string, source = 'lambda config'): LambdaFunctions {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!isRecord(json)) throw new Error(`${source}: expected an object mapping function names to { "url": ... }`);
  const entries: [string, LambdaEndpoint][] = [];
  for (const [name, value] of Object.entries(json)) {
    const where = `${source}: function ${JSON.stringify(name)}`;
    if (name.length === 0) throw new Error(`${source}: a function name is empty`);
    if (!isRecord(value) || typeof value.url !== 'string') throw new Error(`${where}: expected { "url": "http://..." }`);
    let url: URL;
    try {
      url = new URL(value.url);
    } catch {
      throw new Error(`${where}: invalid url ${JSON.stringify(value.url)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${where}: the url must be http or https`);
    const headers: Record<string, string> = {};
    if (value.headers !== undefined) {
      if (!isRecord(value.headers)) throw new Error(`${where}: headers must be an object of strings`);
      for (const [header, v] of Object.entries(value.headers)) {
        if (typeof v !== 'string') throw new Error(`${where}: header ${JSON.stringify(header)} must be a string`);
        headers[header.toLowerCase()] = v;
      }
    }
    const unknown = Object.keys(value).filter((k) => k !== 'url' && k !== 'headers');
    if (unknown.length > 0) throw new Error(`${where}: unknown setting ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    entries.push([name, { url: url.toString(), headers }]);
  }
  return new LambdaFunctions(entries);
}

export function loadLambdaConfig(path: string): LambdaFunctions {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the lambda config ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseLambdaConfig(text, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
