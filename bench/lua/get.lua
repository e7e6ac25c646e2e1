-- GET of one existing key, the same request every time.
-- Arguments after "--": <path>, e.g. /v2/keys/bench/read-me.

function init(args)
  local path = args[1] or "/v2/keys/bench/read-me"
  prepared = wrk.format("GET", path)
end

function request()
  return prepared
end
