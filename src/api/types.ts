/**
 * Workflow types and activity types share their lifecycle: register, describe, list,
 * deprecate, undeprecate, delete. The handlers of both kinds are built from these.
 */
import type { ActivityType, RegistrationStatus, WorkflowType } from '../model/shapes.js';
import type { TypeKind, TypeRecord } from '../store/types.js';
import type { Services } from './context.js';
import { SwfFault } from '../faults.js';
import { describeType, lockedDomain, lockedType, pageByKey, requireDomain, requireType, seconds } from './common.js';

type TypeName = WorkflowType | ActivityType;

export async function registerType(
  s: Services,
  kind: TypeKind,
  input: { domain: string; name: string; version: string; description?: string },
  configuration: Record<string, unknown>,
): Promise<void> {
  await s.store.transaction(async (tx) => {
    // Exclusive: no DeprecateDomain in between (it deprecates the types it sees), and the
    // per-kind count below stays exact across nodes. Registrations are rare; they may queue.
    const domain = await lockedDomain(tx, input.domain);
    if (domain.status === 'DEPRECATED') throw new SwfFault('UnknownResourceFault', `Unknown domain: ${input.domain}`);
    // Answered before the quota, as SWF does; the insert below still decides a race.
    if (await tx.getType(input.domain, kind, input.name, input.version)) throw new SwfFault('TypeAlreadyExistsFault', describeType(kind, input));
    // SWF allows 10,000 workflow types and 10,000 activity types per domain ("each"),
    // deprecated ones included.
    if ((await tx.countTypes(input.domain, kind)) >= s.settings.limits.maxTypesPerDomain) {
      throw new SwfFault(
        'LimitExceededFault',
        `The number of ${kind} types in domain ${input.domain} reached the limit of ${s.settings.limits.maxTypesPerDomain}`,
      );
    }
    // A deprecated type still holds its name and version. The insert refuses a taken key
    // itself (AlreadyExists → TypeAlreadyExistsFault), so concurrent registrations cannot both win.
    await tx.insertType({
      domain: input.domain,
      kind,
      name: input.name,
      version: input.version,
      status: 'REGISTERED',
      ...(input.description !== undefined ? { description: input.description } : {}),
      creationDate: s.clock.now(),
      configuration: withoutUndefined(configuration),
    });
  });
}

export function typeInfo(record: TypeRecord) {
  return {
    status: record.status,
    ...(record.description !== undefined ? { description: record.description } : {}),
    creationDate: seconds(record.creationDate),
    ...(record.deprecationDate !== undefined ? { deprecationDate: seconds(record.deprecationDate) } : {}),
  };
}

export async function describeTypeRecord(s: Services, kind: TypeKind, domain: string, type: TypeName): Promise<TypeRecord> {
  await requireDomain(s.store, domain);
  return requireType(s.store, domain, kind, type);
}

export async function listTypeRecords(
  s: Services,
  kind: TypeKind,
  input: { domain: string; name?: string; registrationStatus: RegistrationStatus; maximumPageSize?: number; nextPageToken?: string; reverseOrder?: boolean },
): Promise<{ page: TypeRecord[]; nextPageToken?: string }> {
  await requireDomain(s.store, input.domain);
  const types = (await s.store.listTypes(input.domain, kind)).filter(
    (t) => t.status === input.registrationStatus && (input.name === undefined || t.name === input.name),
  );
  // Sorted by name, then version; the NUL keeps "a"+"1" apart from "a1"+"".
  return pageByKey(types, (t) => `${t.name}\u0000${t.version}`, input);
}

export async function deprecateType(s: Services, kind: TypeKind, domain: string, type: TypeName): Promise<void> {
  await s.store.transaction(async (tx) => {
    await requireDomain(tx, domain);
    const record = await lockedType(tx, domain, kind, type);
    if (record.status === 'DEPRECATED') throw new SwfFault('TypeDeprecatedFault', describeType(kind, type));
    await tx.putType({ ...record, status: 'DEPRECATED', deprecationDate: s.clock.now() });
  });
}

export async function undeprecateType(s: Services, kind: TypeKind, domain: string, type: TypeName): Promise<void> {
  await s.store.transaction(async (tx) => {
    await requireDomain(tx, domain);
    const record = await lockedType(tx, domain, kind, type);
    if (record.status === 'REGISTERED') throw new SwfFault('TypeAlreadyExistsFault', describeType(kind, type));
    const { deprecationDate: _dropped, ...rest } = record;
    await tx.putType({ ...rest, status: 'REGISTERED' });
  });
}

/** Only a deprecated type can be deleted; runs already started keep their copy of its settings. */
export async function deleteType(s: Services, kind: TypeKind, domain: string, type: TypeName): Promise<void> {
  await s.store.transaction(async (tx) => {
    await requireDomain(tx, domain);
    const record = await lockedType(tx, domain, kind, type);
    if (record.status !== 'DEPRECATED') throw new SwfFault('TypeNotDeprecatedFault', describeType(kind, type));
    await tx.deleteType(domain, kind, type.name, type.version);
  });
}

function withoutUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
