--[[
revoke-1.lua — marks an API key revoked (keeping the first revocation time), if it exists.

KEYS[1]  meta hash  <prefix>:{key:<id>}:meta
ARGV[1]  now in epoch ms, or '' to use the Redis server's TIME

Returns 1 when the key exists (revoked now or before), 0 when it does not.
]]

if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local now
if ARGV[1] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local revokedAt = redis.call('HGET', KEYS[1], 'revokedAt')
if not revokedAt or revokedAt == '' then
  redis.call('HSET', KEYS[1], 'revokedAt', string.format('%d', now))
end
return 1
