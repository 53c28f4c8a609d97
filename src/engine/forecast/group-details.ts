/**
 * @module engine/forecast/group-details
 * How a refusal's details name the series it is about. A series of a model or dataset without a group
 * column has the key '' internally (./series groupKeys); that is no group a client could name or send, so
 * details leave `group` out for it rather than carry `"group": ""`. A grouped series never has that key
 * (an empty group cell is refused).
 */

/** `{group}` for a series of a group column, `{}` for the one series of data without one. */
export function groupDetail(group: string): { group?: string } {
  return group === '' ? {} : { group };
}
