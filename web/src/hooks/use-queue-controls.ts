import { trpc } from '../trpc';

export function useQueueControls() {
  const pause = trpc.admin.queue.pause.useMutation();
  const resume = trpc.admin.queue.resume.useMutation();
  return { pause, resume, busy: pause.isPending || resume.isPending };
}
