import { useState } from 'react';
import { useNow } from '../hooks/use-now';
import { useQueueControls } from '../hooks/use-queue-controls';
import { describeError } from '../lib/errors';

/** How long a pause/resume answer beats the status stream, which lags by up to a second. */
const ANSWER_WINS_MS = 2500;

interface QueueControlsProps {
  /** from the live status stream; null while unknown */
  paused: boolean | null;
}

/** Pause / resume the whole queue (workers stop taking jobs; submissions still queue up). */
export function QueueControls({ paused }: QueueControlsProps) {
  const { pause, resume, busy } = useQueueControls();
  const now = useNow(500);
  const [answer, setAnswer] = useState<{ paused: boolean; at: number } | null>(null);
  const error = pause.error ?? resume.error;
  const shown = answer !== null && now - answer.at < ANSWER_WINS_MS ? answer.paused : paused;
  const onSuccess = (result: { paused: boolean }) => setAnswer({ paused: result.paused, at: Date.now() });

  return (
    <div className="queue-controls">
      <p className="queue-state">
        Queue: <strong>{shown === null ? '—' : shown ? 'paused' : 'running'}</strong>
      </p>
      <button type="button" disabled={busy || shown === true} onClick={() => pause.mutate(undefined, { onSuccess })}>
        Pause queue
      </button>
      <button type="button" disabled={busy || shown === false} onClick={() => resume.mutate(undefined, { onSuccess })}>
        Resume queue
      </button>
      {error !== null ? (
        <p className="form-error" role="alert">
          {describeError(error)}
        </p>
      ) : null}
    </div>
  );
}
