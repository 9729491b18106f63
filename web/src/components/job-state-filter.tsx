import { useId } from 'react';
import type { JobState } from '@tollgate/shared';
import { JOB_STATE_LIST } from '../lib/job-states';

interface JobStateFilterProps {
  value: JobState | undefined;
  onChange: (state: JobState | undefined) => void;
}

export function JobStateFilter({ value, onChange }: JobStateFilterProps) {
  const id = useId();
  return (
    <div className="field field-inline">
      <label htmlFor={id}>State</label>
      <select
        id={id}
        value={value ?? ''}
        onChange={(event) => onChange(JOB_STATE_LIST.find((state) => state === event.target.value))}
      >
        <option value="">All states</option>
        {JOB_STATE_LIST.map((state) => (
          <option key={state} value={state}>
            {state}
          </option>
        ))}
      </select>
    </div>
  );
}
