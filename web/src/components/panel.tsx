import { useId, type ReactNode, type Ref } from 'react';

interface PanelProps {
  title: string;
  /** shown instead of the content while nothing has loaded yet */
  loading?: boolean;
  loadingText?: string;
  /** shown above the content (which stays, possibly stale) */
  error?: string | null;
  actions?: ReactNode;
  className?: string;
  /** makes the heading focusable (tabIndex -1) and hands it out, to move focus to the panel */
  headingRef?: Ref<HTMLHeadingElement>;
  children?: ReactNode;
}

/** A titled section with its own loading and error states. */
export function Panel({
  title,
  loading = false,
  loadingText = 'Loading…',
  error = null,
  actions,
  className,
  headingRef,
  children,
}: PanelProps) {
  const headingId = useId();
  return (
    <section
      className={className === undefined ? 'panel' : `panel ${className}`}
      aria-labelledby={headingId}
      aria-busy={loading}
    >
      <header className="panel-header">
        <h2 id={headingId} ref={headingRef} tabIndex={headingRef === undefined ? undefined : -1}>
          {title}
        </h2>
        {actions}
      </header>
      {error !== null ? <p className="panel-error">{error}</p> : null}
      {loading ? <p className="panel-loading">{loadingText}</p> : children}
    </section>
  );
}
