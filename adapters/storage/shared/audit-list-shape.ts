import type { AuditFilter } from '../../../core/storage/ports.ts';

/** The filter fields an audit listing may have, in the order of their bits in a shape's key. */
export const AUDIT_FILTER_FIELDS = [
  'actorId',
  'actorLabel',
  'targetId',
  'action',
  'from',
  'to',
] as const;

/** One of the fields of `AuditFilter`. */
export type AuditFilterField = (typeof AUDIT_FILTER_FIELDS)[number];

/**
 * Which parts of an audit listing are present: the filter's fields, a cursor, the
 * order. Each shape is its own prepared statement, so an absent field stays out of the
 * SQL and the planner can choose the index of the fields that are there
 * (docs/decisions/0024).
 */
export type AuditListShape = {
  fields: readonly AuditFilterField[];
  hasCursor: boolean;
  order: 'asc' | 'desc';
};

/** The shape of one `audit.list` call: a field is present when it is not undefined. */
export function auditListShape(
  filter: AuditFilter | undefined,
  afterSeq: number | undefined,
  order: 'asc' | 'desc',
): AuditListShape {
  return {
    fields: AUDIT_FILTER_FIELDS.filter((field) => filter?.[field] !== undefined),
    hasCursor: afterSeq !== undefined,
    order,
  };
}

/** A number naming the shape: one bit per filter field, then the cursor, then the order. */
export function auditListShapeKey(shape: AuditListShape): number {
  let key = 0;
  AUDIT_FILTER_FIELDS.forEach((field, bit) => {
    if (shape.fields.includes(field)) key |= 1 << bit;
  });
  if (shape.hasCursor) key |= 1 << AUDIT_FILTER_FIELDS.length;
  if (shape.order === 'desc') key |= 1 << (AUDIT_FILTER_FIELDS.length + 1);
  return key;
}
