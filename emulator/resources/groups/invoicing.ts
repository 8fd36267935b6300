import type { ResourceDefinition } from '../../resource';

/** This group's resources; adding one = a rule file plus a line here. */
export const resources: ResourceDefinition[] = [];
