import { AsyncLocalStorage } from 'node:async_hooks';
import type { Delegate } from '../../core/mailboxes/model.ts';

/**
 * Who is acting for a shared mailbox in the request being handled (docs/decisions/0028).
 * The acting middleware runs the rest of the request inside `actingContext.run`, and
 * core's audit recording asks `currentDelegate` (through `deps.actingFor`) when an event
 * is recorded, so every event of that request names the member, whichever use case
 * records it, without each route passing the person down.
 */
export const actingContext = new AsyncLocalStorage<Delegate>();

/** The delegate of the current request, or null outside an acting request. */
export const currentDelegate = (): Delegate | null => actingContext.getStore() ?? null;
