--[[
acquire-3.lua — stampede protection, one round trip: the live entry if there is one, else the
entry's compute lock (SET NX PX) for this caller, else how long the current holder keeps it.
A grouped lock is listed in the group's lock zset (score: its expiry by Redis TIME, pruned here)
so that dropping the group also takes the locks of the computes in flight.

KEYS[1]  entry  (see set-4.lua)
KEYS[2]  lock   the entry's stampede lock (string: the holder's token)
KEYS[3]  locks  <prefix>:{cache:<group>}:locks; untouched without a group

ARGV[1]  now, epoch ms: an entry whose expiresAt is not after it is not live
ARGV[2]  this caller's token
ARGV[3]  lock TTL in ms (a holder that dies blocks nobody past it)
ARGV[4]  '1' when the entry belongs to a group, '' otherwise

Returns { 1, payload } for a live entry, { 0 } when the caller now holds the lock,
        { 2, ms left on the holder's lock } otherwise.
]]

local payload = redis.call('GET', KEYS[1])
if payload then
  local expiresAt = tonumber(string.match(payload, '^(%d+):'))
  if expiresAt ~= nil and expiresAt > tonumber(ARGV[1]) then
    return { 1, payload }
  end
end
if not redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3]) then
  return { 2, redis.call('PTTL', KEYS[2]) }
end
if ARGV[4] == '1' then
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), KEYS[2])
  if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
    redis.call('PEXPIRE', KEYS[3], ARGV[3])
  end
end
return { 0 }
