--[[
set-4.lua — stores one cache entry, records it in its eviction group and tells every instance's
near cache; atomically. A plain set (write-through) supersedes any compute in flight: it removes
the entry's stampede lock, so the holder's later store is refused. A holder's store (ARGV[6] =
its token) is refused when it no longer holds the lock: an eviction or a write-through happened
while it computed (or the lock expired), and what it computed may predate them.

KEYS[1]  entry    <prefix>:{cache:<group>}:v:<key>, or <prefix>:{cache#<key>}:v without a group
                  (string "<expiresAt>:<json>", PX ttl)
KEYS[2]  members  <prefix>:{cache:<group>}:members (zset: entry key -> expiresAt); untouched
                  without a group
KEYS[3]  lock     the entry's stampede lock (string: the holder's token, PX)
KEYS[4]  locks    <prefix>:{cache:<group>}:locks (zset: lock key -> expiry); untouched without a group

ARGV[1]  payload "<expiresAt>:<json>"
ARGV[2]  TTL in ms
ARGV[3]  expiresAt, epoch ms (the member's score)
ARGV[4]  now, epoch ms: members that expired by then are pruned (keeps the zset bounded)
ARGV[5]  '1' when the entry belongs to a group, '' otherwise
ARGV[6]  the storing lock holder's token, '' for a plain set
ARGV[7]  invalidation channel
ARGV[8]  invalidation message ('k' .. KEYS[1])

Returns 1 when stored, 0 when a holder's store was refused (nothing changed).
]]

if ARGV[6] ~= '' and redis.call('GET', KEYS[3]) ~= ARGV[6] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[3])
if ARGV[5] == '1' then
  redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
  -- The member set outlives the longest entry it lists (PTTL -1: no TTL yet).
  if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[2], ARGV[2])
  end
  redis.call('ZREM', KEYS[4], KEYS[3])
end
redis.call('PUBLISH', ARGV[7], ARGV[8])
return 1
