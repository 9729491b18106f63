export * from './schemas/common.js';
export * from './schemas/health.js';
export * from './schemas/quota.js';
export * from './schemas/keys.js';
export * from './schemas/usage.js';
export * from './schemas/validation.js';
export * from './schemas/jobs.js';
export * from './schemas/admin-status.js';
