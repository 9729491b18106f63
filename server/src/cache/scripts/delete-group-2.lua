--[[
delete-group-2.lua — drops every entry of an eviction group at once, with the stampede locks of
its computes in flight (their stores are then refused), and tells every instance's near cache.
O(entries of the group): the zsets list them and are pruned of expired members as they are
written, so they stay bounded. Entry and lock keys come from the zsets rather than KEYS: they
share the zsets' hash tag {cache:<group>}, hence their Cluster slot (BullMQ relies on the same).

KEYS[1]  members  <prefix>:{cache:<group>}:members (zset: entry key -> expiresAt)
KEYS[2]  locks    <prefix>:{cache:<group>}:locks (zset: lock key -> expiry)

ARGV[1]  now, epoch ms: members with a score above it are live
ARGV[2]  invalidation channel
ARGV[3]  invalidation message ('g' .. group)

Returns the number of live entries removed.
]]

local function delete_all(keys)
  local removed = 0
  for i = 1, #keys, 500 do
    removed = removed + redis.call('DEL', unpack(keys, i, math.min(i + 499, #keys)))
  end
  return removed
end

local removed = delete_all(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf'))
delete_all(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1]))
delete_all(redis.call('ZRANGE', KEYS[2], 0, -1))
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return removed
