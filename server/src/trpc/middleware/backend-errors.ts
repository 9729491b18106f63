import { isBackendUnavailable, serviceUnavailable } from '../../errors.js';
import { t } from '../init.js';

/** Any Redis outage below a procedure becomes SERVICE_UNAVAILABLE (fail closed, HTTP 503). */
export const mapBackendErrors = t.middleware(async function mapBackendErrors(opts) {
  const result = await opts.next();
  if (!result.ok && result.error.code === 'INTERNAL_SERVER_ERROR' && isBackendUnavailable(result.error.cause)) {
    throw serviceUnavailable(result.error.cause);
  }
  return result;
});

