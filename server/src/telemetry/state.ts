/** Whether the OpenTelemetry SDK runs in this process (set by `startTelemetry` only). */
let started = false;

/** Whether the OpenTelemetry SDK has been started in this process: until then the code paths skip telemetry. */
export function isStarted(): boolean {
  return started;
}

export function markStarted(value: boolean): void {
  started = value;
}
