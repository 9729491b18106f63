import type { ValidationService } from '../validation/validation-service.js';
import type { JobRunner } from './job-kind.js';
import { validateKind } from './kinds/validate.js';

/** Job kinds by name. A new kind is one file under `kinds/` and one line in `createJobKinds`. */
export type JobKinds = ReadonlyMap<string, JobRunner>;

export function registerJobKinds(...kinds: JobRunner[]): JobKinds {
  const registry = new Map<string, JobRunner>();
  for (const kind of kinds) {
    if (registry.has(kind.name)) throw new Error(`job kind '${kind.name}' is registered twice`);
    registry.set(kind.name, kind);
  }
  return registry;
}

/** Tollgate's job kinds, running their work through `validation`. */
export function createJobKinds(validation: ValidationService): JobKinds {
  return registerJobKinds(validateKind(validation));
}
