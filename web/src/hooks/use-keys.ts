import { trpc } from '../trpc';

/** Usage moves while clients call the API: the list is refreshed every 2 s. */
const KEYS_REFRESH_MS = 2000;

export function useKeys() {
  return trpc.admin.keys.list.useQuery(undefined, { refetchInterval: KEYS_REFRESH_MS });
}

export function useKeyActions() {
  const utils = trpc.useUtils();
  const invalidate = () => utils.admin.keys.list.invalidate();
  const create = trpc.admin.keys.create.useMutation({ onSuccess: invalidate });
  const revoke = trpc.admin.keys.revoke.useMutation({ onSuccess: invalidate });
  const resetUsage = trpc.admin.keys.resetUsage.useMutation({ onSuccess: invalidate });
  return { create, revoke, resetUsage };
}
