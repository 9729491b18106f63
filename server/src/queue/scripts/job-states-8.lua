--[[
job-states-8.lua — the BullMQ state of each of a page of jobs, in one call.
The same checks, in the same order, as BullMQ 6.7's getStateV2-8.lua (node_modules/bullmq/dist/
esm/commands), for many ids at once: O(1) for finished, delayed and prioritized jobs; an LPOS
over the active and wait lists otherwise. Reads no job hash.

KEYS[1]  <queue>:completed         (zset)
KEYS[2]  <queue>:failed            (zset)
KEYS[3]  <queue>:delayed           (zset)
KEYS[4]  <queue>:active            (list)
KEYS[5]  <queue>:wait              (list)
KEYS[6]  <queue>:paused            (list; BullMQ 6 keeps a paused queue's jobs in wait)
KEYS[7]  <queue>:waiting-children  (zset)
KEYS[8]  <queue>:prioritized       (zset)

ARGV     job ids

Returns one state per id, in order: 'completed', 'failed', 'delayed', 'prioritized', 'active',
'waiting', 'waiting-children' or 'unknown'.
]]

local rcall = redis.call

local function stateOf(id)
  if rcall('ZSCORE', KEYS[1], id) then return 'completed' end
  if rcall('ZSCORE', KEYS[2], id) then return 'failed' end
  if rcall('ZSCORE', KEYS[3], id) then return 'delayed' end
  if rcall('ZSCORE', KEYS[8], id) then return 'prioritized' end
  if rcall('LPOS', KEYS[4], id) then return 'active' end
  if rcall('LPOS', KEYS[5], id) then return 'waiting' end
  if rcall('LPOS', KEYS[6], id) then return 'waiting' end
  if rcall('ZSCORE', KEYS[7], id) then return 'waiting-children' end
  return 'unknown'
end

local states = {}
for i = 1, #ARGV do
  states[i] = stateOf(ARGV[i])
end
return states
