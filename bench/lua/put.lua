-- PUT of distinct keys: /v2/keys/bench/<run>-t<thread>-<n> with a form value of a fixed size.
-- Arguments after "--": <run id> <value bytes>.

local nextThreadId = 1

function setup(thread)
  thread:set("threadId", nextThreadId)
  nextThreadId = nextThreadId + 1
end

function init(args)
  runId = args[1] or "run"
  local valueBytes = tonumber(args[2] or "100")
  body = "value=" .. string.rep("v", valueBytes)
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  prefix = "/v2/keys/bench/" .. runId .. "-t" .. tostring(threadId) .. "-"
  sequence = 0
end

function request()
  sequence = sequence + 1
  return wrk.format("PUT", prefix .. sequence, headers, body)
end
