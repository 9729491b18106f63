--[[
release-1.lua — releases an entry's stampede lock if the caller still holds it (a compute that
failed or chose not to cache), and wakes the instances waiting for that entry.

KEYS[1]  lock  the entry's stampede lock (string: the holder's token)

ARGV[1]  the caller's token
ARGV[2]  invalidation channel
ARGV[3]  message naming the entry ('k' .. entry key), so waiters retry at once

Returns 1 when released, 0 when the lock was no longer the caller's.
]]

if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
