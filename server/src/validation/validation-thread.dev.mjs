// The validation thread when running from the TypeScript sources (tests, `pnpm dev`, the bench):
// registers tsx in this thread, then loads the real entry. The built server uses
// dist/validation/validation-thread.js directly.
import { register } from 'tsx/esm/api';

register();
const { default: runValidationTask } = await import('./validation-thread.ts');
export default runValidationTask;
