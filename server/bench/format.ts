/** Number formats of the report. */

export const count = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

/** `0.50×` */
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

/** Milliseconds with two significant decimals below 10. */
export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : 'n/a');

export const mb = (value: number | undefined) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : value.toFixed(0);

export const perRound = (values: readonly number[]) => values.map(count).join(' / ');

/** Microseconds, whole. */
export const micros = (value: number) => (Number.isFinite(value) ? value.toFixed(0) : 'n/a');
