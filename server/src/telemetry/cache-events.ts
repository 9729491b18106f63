import { trace, type Attributes } from '@opentelemetry/api';
import { isStarted } from './state.js';

/** A response-cache event (`cache.hit`, `cache.miss`, `cache.evict`) on the current call's span. */
export function cacheEvent(name: 'cache.hit' | 'cache.miss' | 'cache.evict', attributes: Attributes): void {
  if (!isStarted()) return;
  trace.getActiveSpan()?.addEvent(name, attributes);
}
