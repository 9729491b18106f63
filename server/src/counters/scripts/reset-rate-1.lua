--[[
reset-rate-1.lua — clears a key's rate window (admin resetUsage), except the permits that are
still out on leases: an instance may be spending them right now, so they stay counted (and can
still be handed back) until their lease records leave the window (see src/counters/permits.md).

KEYS[1]  rate hash  <prefix>:{key:<id>}:rate   (field <i> = permits counted in bucket i,
                                                field l<i> = permits leased there, not handed back)
ARGV[1]  expiry (ms) to set if the hash had none: the window plus one bucket

Returns the number of permits kept.
]]

local fields = redis.call('HGETALL', KEYS[1])
local keep = {}
local kept = 0
for i = 1, #fields, 2 do
  local name = fields[i]
  if string.sub(name, 1, 1) == 'l' and tonumber(string.sub(name, 2)) ~= nil then
    local leased = tonumber(fields[i + 1])
    keep[#keep + 1] = name
    keep[#keep + 1] = leased
    keep[#keep + 1] = string.sub(name, 2)
    keep[#keep + 1] = leased
    kept = kept + leased
  end
end
local ttl = redis.call('PTTL', KEYS[1])
redis.call('DEL', KEYS[1])
if #keep > 0 then
  redis.call('HSET', KEYS[1], unpack(keep))
  redis.call('PEXPIRE', KEYS[1], ttl > 0 and ttl or tonumber(ARGV[1]))
end
return kept
