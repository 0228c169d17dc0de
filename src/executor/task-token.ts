/**
 * Task tokens: the handle a decider or worker holds for the task it was given.
 *
 * A token says in the clear which task it names (kind, domain, workflowId, runId,
 * scheduledEventId), so that a call with the token of a task that is gone is answered as SWF
 * answers it ("Unknown activity, scheduledEventId = 5", or the closed run), and access control can
 * judge the caller on the token's domain even after the task and its run are gone. It stays
 * unforgeable: 16 random bytes make each token unguessable, and a call is only served when a
 * stored task holds exactly this string, so a token altered in any byte is refused.
 *
 * Layout, then standard base64 (never a leading '-', which the AWS CLI would read as an option):
 *   'T' | version 1 | kind (0 decision, 1 activity) | scheduledEventId (u32 BE) | 16 random bytes |
 *   runId, domain, workflowId: each a u16 BE byte length and its UTF-8 bytes.
 * SWF takes tokens of up to 1024 characters back, so 768 bytes at most. Plain names always fit;
 * names of many multi-byte characters may not: then the workflowId, and if need be the domain,
 * is left out (length 0) and must be read from the run.
 */
import { pooledRandomBytes } from './random.js';
import type { TaskTokenClaims } from '../engine/index.js';

const MAGIC = 0x54; // 'T'
const VERSION = 1;
const RANDOM_BYTES = 16;
const HEADER_BYTES = 3 + 4 + RANDOM_BYTES;
/** The model's limit on taskToken (1024 characters), as bytes before base64. */
const MAX_TOKEN_CHARS = 1024;
const MAX_BYTES = (MAX_TOKEN_CHARS / 4) * 3;
const KINDS = ['decision', 'activity'] as const;

/** What a token of ours says. `domain` and `workflowId` are missing only when they did not fit. */
export interface DecodedTaskToken {
  kind: TaskTokenClaims['kind'];
  runId: string;
  scheduledEventId: number;
  domain?: string;
  workflowId?: string;
}

/** A fresh token for the task `claims` names; `random` is for tests that need fixed bytes. */
export function encodeTaskToken(claims: TaskTokenClaims, random: Buffer = pooledRandomBytes(RANDOM_BYTES)): string {
  const runId = Buffer.from(claims.runId, 'utf8');
  let domain = Buffer.from(claims.domain, 'utf8');
  let workflowId = Buffer.from(claims.workflowId, 'utf8');
  const size = () => HEADER_BYTES + 6 + runId.length + domain.length + workflowId.length;
  if (size() > MAX_BYTES) workflowId = Buffer.alloc(0);
  if (size() > MAX_BYTES) domain = Buffer.alloc(0);
  if (size() > MAX_BYTES) throw new Error(`runId too long for a task token: ${claims.runId}`);
  const header = Buffer.alloc(7);
  header.writeUInt8(MAGIC, 0);
  header.writeUInt8(VERSION, 1);
  header.writeUInt8(KINDS.indexOf(claims.kind), 2);
  header.writeUInt32BE(claims.scheduledEventId, 3);
  const parts: Buffer[] = [header, random.subarray(0, RANDOM_BYTES)];
  for (const field of [runId, domain, workflowId]) {
    const length = Buffer.alloc(2);
    length.writeUInt16BE(field.length, 0);
    parts.push(length, field);
  }
  return Buffer.concat(parts).toString('base64');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * What a token of ours names, or undefined for any string OpenSWF did not issue in this form.
 * Decoding proves nothing about the task: only the stored task with exactly this token does.
 */
export function decodeTaskToken(token: string): DecodedTaskToken | undefined {
  if (token.length > MAX_TOKEN_CHARS || !BASE64.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64');
  // Only the canonical spelling: no other string decodes to the same bytes.
  if (bytes.toString('base64') !== token || bytes.length < HEADER_BYTES + 6) return undefined;
  if (bytes.readUInt8(0) !== MAGIC || bytes.readUInt8(1) !== VERSION) return undefined;
  const kind = KINDS[bytes.readUInt8(2)];
  if (kind === undefined) return undefined;
  const scheduledEventId = bytes.readUInt32BE(3);
  let at = HEADER_BYTES;
  const fields: string[] = [];
  for (let i = 0; i < 3; i++) {
    if (at + 2 > bytes.length) return undefined;
    const length = bytes.readUInt16BE(at);
    at += 2;
    if (at + length > bytes.length) return undefined;
    try {
      fields.push(utf8.decode(bytes.subarray(at, at + length)));
    } catch {
      return undefined;
    }
    at += length;
  }
  const [runId, domain, workflowId] = fields;
  if (at !== bytes.length || !runId || scheduledEventId < 1) return undefined;
  return { kind, runId, scheduledEventId, ...(domain ? { domain } : {}), ...(workflowId ? { workflowId } : {}) };
}
