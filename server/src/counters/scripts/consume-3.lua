--[[
consume-3.lua — authenticate an API key and consume its quota, atomically, in one round trip;
optionally hand back the unused permits of a dead lease and lease a block of permits
(see src/counters/permits.md for the scheme and why it never over-admits).
The window arithmetic mirrors src/counters/sliding-window.ts (see there for the reasoning).

KEYS[1]  meta hash      <prefix>:{key:<id>}:meta   (hash, name, limit, windowSec, dailyJobQuota,
                                                    createdAt, revokedAt)
KEYS[2]  rate hash      <prefix>:{key:<id>}:rate   field <i>  = permits counted in bucket i
                                                   (calls admitted per call + permits leased);
                                                   field l<i> = permits leased in bucket i and not
                                                   handed back yet (always <= field <i>)
KEYS[3]  daily counter  <prefix>:{key:<id>}:daily:<yyyymmdd of ARGV[5]>

ARGV[1]  hex SHA-256 of the presented key; '' for a trusted read (usage, hand-back) that skips
         authentication
ARGV[2]  1 to take a rate slot, 0 not to
ARGV[3]  1 to take a daily job slot (checking the daily quota), 0 not to
ARGV[4]  now in epoch ms, or '' to use the Redis server's TIME (one clock for every instance)
ARGV[5]  the UTC day number (floor(now / 86400000)) that KEYS[3] belongs to
ARGV[6]  how long a daily counter outlives its day, ms
ARGV[7]  lease: permits wanted for leaseMs on top of this call (0: no lease); only with ARGV[2]=1
ARGV[8]  lease: longest validity, ms (a lease also ends with the bucket it is counted in)
ARGV[9]  lease: only lease floor(headroom / ARGV[9]) at most (fair share of what is left)
ARGV[10] lease: smallest worth granting; below it, nothing is leased (exact mode)
ARGV[11] hand-back: bucket index the returned permits were counted in, or '' for none
ARGV[12] hand-back: number of unused permits returned

Returns { status, now, rateCount, rateResetAt, dailyUsed,
          name, limit, windowSec, dailyJobQuota, createdAt, revokedAt (-1 when not revoked),
          leased, leaseBucket, leaseUntil }
status:  0 admitted (cost taken), 1 refused by the rate limit, 2 refused by the daily quota
         (a refusal takes nothing), -1 unknown key or wrong hash, -2 revoked key,
         -3 KEYS[3] is not today's counter: only { -3, now } is returned, the caller retries.
leased:  permits granted to the caller's lease (0 for none), counted in bucket leaseBucket and
         valid until leaseUntil (exclusive, in the script's clock).
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

-- Count the buckets overlapping (now - W, now]; drop the others (and their lease records).
local fields = redis.call('HGETALL', KEYS[2])
local calls = {}
local leased = {}
local stale = {}
local count = 0
for i = 1, #fields, 2 do
  local name = fields[i]
  local isLease = string.sub(name, 1, 1) == 'l'
  local index = tonumber(isLease and string.sub(name, 2) or name)
  local value = tonumber(fields[i + 1])
  if index == nil or index < firstBucket then
    stale[#stale + 1] = name
  elseif isLease then
    leased[index] = value
  else
    calls[index] = value
    count = count + value
  end
end
if #stale > 0 then
  redis.call('HDEL', KEYS[2], unpack(stale))
  redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
end

local function setField(name, value)
  if value > 0 then redis.call('HSET', KEYS[2], name, value) else redis.call('HDEL', KEYS[2], name) end
end

-- Hand-back: the caller's lease is dead (it can admit nothing more), and `returned` of its permits
-- were never used. Take them out of the bucket they were counted in, if it still counts, and never
-- more than was leased there and not yet handed back.
local returnBucket = tonumber(ARGV[11])
if returnBucket ~= nil and returnBucket >= firstBucket then
  local give = math.min(tonumber(ARGV[12]) or 0, leased[returnBucket] or 0, calls[returnBucket] or 0)
  if give > 0 then
    calls[returnBucket] = calls[returnBucket] - give
    leased[returnBucket] = leased[returnBucket] - give
    count = count - give
    setField(string.format('%d', returnBucket), calls[returnBucket])
    setField('l' .. string.format('%d', returnBucket), leased[returnBucket])
  end
end

local used = tonumber(redis.call('GET', KEYS[3]) or '0')

local status = 0
if ARGV[2] == '1' and count >= limit then
  status = 1
elseif ARGV[3] == '1' and used >= dailyQuota then
  status = 2
end

local granted = 0
local leaseUntil = now
if status == 0 then
  if ARGV[2] == '1' then
    count = count + 1
    -- A lease: counted as used now, in this bucket, usable only until the bucket ends, and never
    -- more than a fair share of the headroom left after this call.
    local wanted = tonumber(ARGV[7]) or 0
    if wanted > 0 then
      local leaseMs = tonumber(ARGV[8])
      leaseUntil = math.min(now + leaseMs, (currentBucket + 1) * bucketMs)
      local scaled = math.ceil(wanted * (leaseUntil - now) / leaseMs)
      granted = math.min(scaled, math.floor((limit - count) / tonumber(ARGV[9])))
      if granted < tonumber(ARGV[10]) then
        granted = 0
        leaseUntil = now
      end
    end
    local bucketField = string.format('%d', currentBucket)
    calls[currentBucket] = redis.call('HINCRBY', KEYS[2], bucketField, 1 + granted)
    if granted > 0 then redis.call('HINCRBY', KEYS[2], 'l' .. bucketField, granted) end
    redis.call('PEXPIRE', KEYS[2], windowMs + bucketMs)
    count = count + granted
  end
  if ARGV[3] == '1' then
    used = redis.call('INCR', KEYS[3])
    redis.call('PEXPIRE', KEYS[3], (day + 1) * DAY_MS - now + tonumber(ARGV[6]))
  end
end

-- The earliest instant one more call would be admitted: walk the oldest buckets forward.
local resetAt = now
if count >= limit then
  local live = {}
  for index, n in pairs(calls) do
    if n > 0 then live[#live + 1] = { index, n } end
  end
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
return { status, now, count, resetAt, used, meta[2], limit, windowSec, dailyQuota, tonumber(meta[6]), revokedAt,
         granted, currentBucket, leaseUntil }
