import type { BackendKind, BackendStatus } from '@tollgate/shared';

/** What every backend reports about itself; bounded in time, never throws. */
export interface BackendProbe {
  readonly kind: BackendKind;
  /** `connected`/`disconnected` for Redis, `in-memory` for memory. */
  status(): Promise<BackendStatus>;
}
