/**
 * The script `pnpm bench` runs under `node --cpu-prof` (see cpu-profile.ts): Tollgate's compiled
 * validator on the 3-property object case, in a loop named `profiledLoop` so that the profile's
 * samples inside it can be told from start-up. Usage: validation-profile.ts <milliseconds>.
 */
import { getValidator, validateDocument, type CompiledSchema } from '../src/validation/json-schema.js';
import { OBJECT_DOCUMENT, OBJECT_SCHEMA, PROFILED_FUNCTION } from './validation-cases.js';

/** Named PROFILED_FUNCTION: the profile summary keeps the samples taken inside it. */
function profiledLoop(compiled: CompiledSchema, document: unknown, ms: number): number {
  let valid = 0;
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    for (let i = 0; i < 10_000; i++) if (validateDocument(compiled, document).valid) valid++;
  }
  return valid;
}

const ms = Number(process.argv[2] ?? '1000');
const compiled = await getValidator(OBJECT_SCHEMA);
if (profiledLoop.name !== PROFILED_FUNCTION) throw new Error(`the loop must be named ${PROFILED_FUNCTION}`);
const valid = profiledLoop(compiled, OBJECT_DOCUMENT, ms);
if (valid === 0) throw new Error('the profiled document never validated');
