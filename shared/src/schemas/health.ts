import { z } from 'zod';

/** State of a backend as reported by health: `in-memory` is used only by the memory backend. */
export const backendStatusSchema = z.enum(['connected', 'disconnected', 'in-memory']);
export type BackendStatus = z.infer<typeof backendStatusSchema>;

export const backendKindSchema = z.enum(['redis', 'memory']);
export type BackendKind = z.infer<typeof backendKindSchema>;

export const healthStatusSchema = z.enum(['healthy', 'degraded', 'unhealthy']);
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const counterBackendHealthSchema = z.object({
  status: backendStatusSchema,
  backend: backendKindSchema,
});
export type CounterBackendHealth = z.infer<typeof counterBackendHealthSchema>;

export const queueBackendHealthSchema = z.object({
  status: backendStatusSchema,
  backend: backendKindSchema,
  /** waiting + delayed + prioritized (+ paused); null while the queue's Redis is unreachable */
  queue_depth: z.number().int().nonnegative().nullable(),
});
export type QueueBackendHealth = z.infer<typeof queueBackendHealthSchema>;

/** Body of `GET /health` and of the `health.check` procedure. */
export const healthBodySchema = z.object({
  status: healthStatusSchema,
  version: z.string(),
  environment: z.string(),
  demo_mode: z.boolean(),
  redis: counterBackendHealthSchema,
  queue: queueBackendHealthSchema,
  warnings: z.array(z.string()),
});
export type HealthBody = z.infer<typeof healthBodySchema>;

/** Body of `GET /admin/health/redis` and of `admin.health.redis`. */
export const adminRedisHealthSchema = z.object({
  counter_backend: counterBackendHealthSchema,
  queue_service: queueBackendHealthSchema,
  demo_mode: z.boolean(),
});
export type AdminRedisHealth = z.infer<typeof adminRedisHealthSchema>;
