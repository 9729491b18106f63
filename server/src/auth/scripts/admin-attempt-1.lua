--[[
admin-attempt-1.lua — one admin-token attempt from a client address (fixed window).

KEYS[1]  failures counter  <prefix>:{admin-failures:<address>}
ARGV[1]  '1' when the attempt's token was wrong, '0' when it was right
ARGV[2]  failures allowed per window
ARGV[3]  window length in ms

Returns { limited (0/1), ms until the window ends (0 when there is no window) }. A limited
attempt counts nothing; a wrong token in an open window is counted, and the counter's expiry is
set when the window opens (so it always expires).
]]

local failures = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[2])
if failures >= limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    ttl = tonumber(ARGV[3])
  end
  return { 1, ttl }
end
if ARGV[1] == '1' then
  if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
end
return { 0, 0 }
