/** Shown whenever the server runs with DEMO_MODE=true. */
export function DemoModeBanner({ inMemory }: { inMemory: boolean }) {
  return (
    <section className="banner banner-demo" aria-label="Demo mode">
      <p>
        <strong>DEMO_MODE</strong> is on.{' '}
        {inMemory
          ? 'Counters and the job queue live in this server’s memory: quotas are not synchronised across instances or workers, jobs are not durable, and all keys, usage and jobs are lost on restart.'
          : 'The server would fall back to memory if Redis were unavailable at start-up; it is on Redis now. Do not use demo mode in production.'}
      </p>
    </section>
  );
}
