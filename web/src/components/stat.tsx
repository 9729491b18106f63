import { useId, type ReactNode } from 'react';

interface StatProps {
  label: string;
  value: ReactNode;
  /** extra class for the figure (e.g. a tone) */
  valueClassName?: string;
}

/** One labelled figure of a `<dl className="stats">`: the value is named by its label. */
export function Stat({ label, value, valueClassName }: StatProps) {
  const labelId = useId();
  return (
    <div className="stat">
      <dt id={labelId}>{label}</dt>
      <dd aria-labelledby={labelId} className={valueClassName}>
        {value}
      </dd>
    </div>
  );
}
