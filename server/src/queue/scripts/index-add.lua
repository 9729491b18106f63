-- Indexes jobs before they are added (job-index.ts): for each job, its id in the index of all
-- jobs and in its owner's index (scored by creation), and its owner in the owners hash.
-- KEYS[1] index of all jobs, KEYS[2] owners hash, KEYS[2 + i] owner index of job i
-- ARGV: score, job id, owner key id — three per job, in the order of KEYS[3..]
for i = 3, #KEYS do
  local at = (i - 3) * 3
  local score, id, owner = ARGV[at + 1], ARGV[at + 2], ARGV[at + 3]
  redis.call('ZADD', KEYS[i], score, id)
  redis.call('ZADD', KEYS[1], score, id)
  redis.call('HSET', KEYS[2], id, owner)
end
return #KEYS - 2
