import { describe, expect, it } from 'vitest';
import { judgeServerSettings, type RedisServerSettings } from './server-settings.js';

const safe: RedisServerSettings = {
  maxmemoryPolicy: 'noeviction',
  policySource: 'config',
  appendOnly: true,
  rdbSnapshots: false,
  configRefused: null,
};
const production = { enforce: true, allowEvicting: false };

describe('judgeServerSettings', () => {
  it('passes a noeviction Redis with persistence silently', () => {
    expect(judgeServerSettings(safe, production)).toEqual({ refusal: null, warnings: [] });
    expect(judgeServerSettings({ ...safe, appendOnly: false, rdbSnapshots: true }, production).warnings).toEqual([]);
  });

  it('refuses an evicting Redis in production, naming the policy, the fix and the override', () => {
    const { refusal } = judgeServerSettings({ ...safe, maxmemoryPolicy: 'allkeys-lru' }, production);
    expect(refusal).toMatch(/^❌ Redis maxmemory-policy is allkeys-lru: /);
    expect(refusal).toContain('maxmemory-policy noeviction');
    expect(refusal).toContain('ALLOW_EVICTING_REDIS=true');
  });

  it('with ALLOW_EVICTING_REDIS=true (or in demo mode), a ⚠ line instead', () => {
    const allowed = judgeServerSettings(
      { ...safe, maxmemoryPolicy: 'volatile-lru' },
      { ...production, allowEvicting: true },
    );
    expect(allowed.refusal).toBeNull();
    expect(allowed.warnings).toEqual([
      expect.stringMatching(/^⚠ Redis maxmemory-policy is volatile-lru \(ALLOW_EVICTING_REDIS=true\)/),
    ]);
    const demo = judgeServerSettings(
      { ...safe, maxmemoryPolicy: 'allkeys-lfu' },
      { enforce: false, allowEvicting: false },
    );
    expect(demo.refusal).toBeNull();
    expect(demo.warnings[0]).toMatch(/^⚠ Redis maxmemory-policy is allkeys-lfu \(DEMO_MODE\)/);
  });

  it('warns in production when Redis has neither AOF nor RDB snapshots', () => {
    const { warnings } = judgeServerSettings({ ...safe, appendOnly: false, rdbSnapshots: false }, production);
    expect(warnings).toEqual([expect.stringMatching(/^⚠ Redis has no persistence \(neither AOF nor RDB snapshots\)/)]);
    expect(
      judgeServerSettings({ ...safe, appendOnly: false, rdbSnapshots: false }, { enforce: false, allowEvicting: false })
        .warnings,
    ).toEqual([]);
  });

  it('a refused CONFIG GET is said once; the policy read from INFO is still enforced', () => {
    const refused = {
      configRefused: "NOPERM this user has no permissions to run the 'config|get' command",
      rdbSnapshots: null,
    };
    const fromInfo = judgeServerSettings({ ...safe, ...refused, policySource: 'info', appendOnly: false }, production);
    expect(fromInfo.refusal).toBeNull();
    expect(fromInfo.warnings).toHaveLength(1);
    expect(fromInfo.warnings[0]).toMatch(
      /^⚠ Redis refused CONFIG GET \(NOPERM .*\): maxmemory-policy read from INFO instead \(noeviction\)/,
    );
    const evicting = judgeServerSettings(
      { ...safe, ...refused, policySource: 'info', maxmemoryPolicy: 'allkeys-random' },
      production,
    );
    expect(evicting.refusal).toMatch(/^❌ Redis maxmemory-policy is allkeys-random/);
    const blind = judgeServerSettings(
      {
        maxmemoryPolicy: null,
        policySource: null,
        appendOnly: null,
        rdbSnapshots: null,
        configRefused: 'ERR unknown command',
      },
      production,
    );
    expect(blind).toEqual({
      refusal: null,
      warnings: [expect.stringContaining('maxmemory-policy and persistence not checked')],
    });
  });
});
