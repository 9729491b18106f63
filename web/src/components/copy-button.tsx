import { useEffect, useState } from 'react';

interface CopyButtonProps {
  text: string;
  /** accessible name, e.g. "Copy API key" */
  label: string;
  /** fallback when the Clipboard API is unavailable: select the text so the user can copy it */
  onFallback?: () => void;
}

export function CopyButton({ text, label, onFallback }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = window.setTimeout(() => setCopied(false), 2000);
    return () => window.clearTimeout(timer);
  }, [copied]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      onFallback?.();
    }
  }

  return (
    <button type="button" aria-label={label} onClick={() => void copy()}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}
