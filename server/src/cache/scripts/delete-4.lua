--[[
delete-4.lua — removes one cache entry (its group membership, and the stampede lock of a compute
in flight, whose store is then refused) and tells every instance's near cache; atomically.

KEYS[1]  entry    (see set-4.lua)
KEYS[2]  members  the entry's group zset; untouched without a group
KEYS[3]  lock     the entry's stampede lock
KEYS[4]  locks    the group's lock zset; untouched without a group

ARGV[1]  now, epoch ms: an entry whose expiresAt is not after it was no longer live
ARGV[2]  '1' when the entry belongs to a group, '' otherwise
ARGV[3]  invalidation channel
ARGV[4]  invalidation message ('k' .. KEYS[1])

Returns 1 when a live entry was removed, 0 otherwise.
]]

local head = redis.call('GETRANGE', KEYS[1], 0, 24)
local removed = redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[3])
if ARGV[2] == '1' then
  redis.call('ZREM', KEYS[2], KEYS[1])
  redis.call('ZREM', KEYS[4], KEYS[3])
end
redis.call('PUBLISH', ARGV[3], ARGV[4])
local expiresAt = tonumber(string.match(head, '^(%d+):'))
if removed == 1 and expiresAt ~= nil and expiresAt > tonumber(ARGV[1]) then
  return 1
end
return 0
