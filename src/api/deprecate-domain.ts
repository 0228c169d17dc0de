import type { Handler } from './context.js';
import { SwfFault } from '../faults.js';
import { requireDomain } from './common.js';

/**
 * A deprecated domain takes no new runs or types, and its types are deprecated with it (the
 * API reference: "Deprecating a domain also deprecates all activity and workflow types
 * registered in the domain"); runs already started go on. Undeprecating the domain leaves its
 * types deprecated: each is undeprecated on its own.
 */
export const deprecateDomain: Handler<'DeprecateDomain'> = async (input, { store, clock }) => {
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, input.name);
    if (d.status === 'DEPRECATED') throw new SwfFault('DomainDeprecatedFault', input.name);
    await tx.putDomain({ ...d, status: 'DEPRECATED' });
    const now = clock.now();
    for (const kind of ['workflow', 'activity'] as const) {
      for (const type of await tx.listTypes(input.name, kind)) {
        if (type.status === 'REGISTERED') await tx.putType({ ...type, status: 'DEPRECATED', deprecationDate: now });
      }
    }
  });
};

export const undeprecateDomain: Handler<'UndeprecateDomain'> = async (input, { store }) => {
  await store.transaction(async (tx) => {
    const d = await requireDomain(tx, input.name);
    if (d.status === 'REGISTERED') throw new SwfFault('DomainAlreadyExistsFault', input.name);
    await tx.putDomain({ ...d, status: 'REGISTERED' });
  });
};
