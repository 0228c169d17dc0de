import type { Handler } from './context.js';
import { SwfFault } from '../faults.js';
import { lockedDomain } from './common.js';

export const deprecateDomain: Handler<'DeprecateDomain'> = async (input, { store }) => {
  await store.transaction(async (tx) => {
    const d = await lockedDomain(tx, input.name);
    if (d.status === 'DEPRECATED') throw new SwfFault('DomainDeprecatedFault', input.name);
    await tx.putDomain({ ...d, status: 'DEPRECATED' });
  });
};

export const undeprecateDomain: Handler<'UndeprecateDomain'> = async (input, { store }) => {
  await store.transaction(async (tx) => {
    const d = await lockedDomain(tx, input.name);
    if (d.status === 'REGISTERED') throw new SwfFault('DomainAlreadyExistsFault', input.name);
    await tx.putDomain({ ...d, status: 'REGISTERED' });
  });
};
