import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a long-running server process, applied by the entry points (main.ts, worker.ts)
 * as their first import, before the modules that handle requests are evaluated.
 *
 * `--no-allocation-site-pretenuring`: V8 tenures an allocation site — allocates its objects
 * straight in the old generation — once most of the objects it sampled there survived a
 * scavenge. A request path trips that heuristic: objects of the calls in flight when a scavenge
 * runs survive it, and one tenured site then makes every later call's object an old one that
 * points at the call's young objects, which survive scavenges through it and are promoted in
 * turn. Only a mark-compact frees them, so the heap, and the RSS, grows between mark-compacts.
 * Measured under the bench's load of guarded `validation.validate` calls (`--trace-gc-nvp`): 17–21 KB
 * promoted per MB allocated with the heuristic, 6 without it; server RSS after three 6 s rounds
 * 188–189 MB against 133–135 MB, at the same request rate (BENCHMARKS.md).
 */
setFlagsFromString('--no-allocation-site-pretenuring');
