--[[
consume-3.lua — authenticate an API key and consume its quota, atomically, in one round trip.
The window arithmetic mirrors src/counters/sliding-window.ts (see there for the reasoning).

KEYS[1]  meta hash      <prefix>:{key:<id>}:meta   (hash, name, limit, windowSec, dailyJobQuota,
                                                    createdAt, revokedAt)
KEYS[2]  rate hash      <prefix>:{key:<id>}:rate   (field = bucket index, value = calls in it)
KEYS[3]  daily counter  <prefix>:{key:<id>}:daily:<yyyymmdd of ARGV[5]>

ARGV[1]  hex SHA-256 of the presented key; '' for a trusted read (usage) that skips authentication
ARGV[2]  1 to take a rate slot, 0 not to
ARGV[3]  1 to take a daily job slot (checking the daily quota), 0 not to
ARGV[4]  now in epoch ms, or '' to use the Redis server's TIME (one clock for every instance)
ARGV[5]  the UTC day number (floor(now / 86400000)) that KEYS[3] belongs to
ARGV[6]  how long a daily counter outlives its day, ms

Returns { status, now, rateCount, rateResetAt, dailyUsed,
          name, limit, windowSec, dailyJobQuota, createdAt, revokedAt (-1 when not revoked) }
status:  0 admitted (cost taken), 1 refused by the rate limit, 2 refused by the daily quota
         (a refusal takes nothing), -1 unknown key or wrong hash, -2 revoked key,
         -3 KEYS[3] is not today's counter: only { -3, now } is returned, the caller retries.
]]

local meta = redis.call('HMGET', KEYS[1], 'hash', 'name', 'limit', 'windowSec', 'dailyJobQuota', 'createdAt', 'revokedAt')
local storedHash = meta[1]
if not storedHash then return { -1 } end
if ARGV[1] ~= '' then
  if storedHash ~= ARGV[1] then return { -1 } end
  if meta[7] and meta[7] ~= '' then return { -2 } end
end

local now
if ARGV[4] == '' then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
else
  now = tonumber(ARGV[4])
end

local DAY_MS = 86400000
local day = math.floor(now / DAY_MS)
if day ~= tonumber(ARGV[5]) then return { -3, now } end

local limit = tonumber(meta[3])
local windowSec = tonumber(meta[4])
local dailyQuota = tonumber(meta[5])
local windowMs = windowSec * 1000
local bucketMs = math.max(1, math.floor(windowMs / 50))
local firstBucket = math.floor((now - windowMs + 1) / bucketMs)
local currentBucket = math.floor(now / bucketMs)

-- Count the buckets overlapping (now - W, now]; drop the others.
local fields = redis.call('HGETALL', KEYS[2])
local live = {}
local stale = {}
local count = 0
for i = 1, #fields, 2 do
  local index = tonumber(fields[i])
  local calls = tonumber(fields[i + 1])
  if index >= firstBucket then
    live[#live + 1] = { index, calls }
    count = count + calls
  else
    stale[#stale + 1] = fields[i]
  end
end
if #stale > 0 then
  redis.call('HDEL', KEYS[2], unpack(stale))
  redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
end

local used = tonumber(redis.call('GET', KEYS[3]) or '0')

local status = 0
if ARGV[2] == '1' and count >= limit then
  status = 1
elseif ARGV[3] == '1' and used >= dailyQuota then
  status = 2
end

if status == 0 then
  if ARGV[2] == '1' then
    redis.call('HINCRBY', KEYS[2], string.format('%d', currentBucket), 1)
    redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
    local merged = false
    for _, bucket in ipairs(live) do
      if bucket[1] == currentBucket then
        bucket[2] = bucket[2] + 1
        merged = true
      end
    end
    if not merged then live[#live + 1] = { currentBucket, 1 } end
    count = count + 1
  end
  if ARGV[3] == '1' then
    used = redis.call('INCR', KEYS[3])
    redis.call('PEXPIRE', KEYS[3], (day + 1) * DAY_MS - now + tonumber(ARGV[6]))
  end
end

-- The earliest instant one more call would be admitted: walk the oldest buckets forward.
local resetAt = now
if count >= limit then
  table.sort(live, function(a, b) return a[1] < b[1] end)
  local mustLeave = count - limit + 1
  local left = 0
  for _, bucket in ipairs(live) do
    left = left + bucket[2]
    if left >= mustLeave then
      resetAt = math.max(now, (bucket[1] + 1) * bucketMs + windowMs - 1)
      break
    end
  end
end

local revokedAt = -1
if meta[7] and meta[7] ~= '' then revokedAt = tonumber(meta[7]) end
return { status, now, count, resetAt, used, meta[2], limit, windowSec, dailyQuota, tonumber(meta[6]), revokedAt }
