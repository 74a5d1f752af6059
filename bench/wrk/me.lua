-- GET a path with a Bearer token, rotating over the tokens in $BENCH_TOKENS
-- (one per line), and print the summary as one JSON line.
local tokens = {}
local path = os.getenv("BENCH_PATH") or "/api/v1/users/me"
local i = 0

init = function(args)
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    tokens[#tokens + 1] = line
  end
  i = math.random(#tokens)
end

request = function()
  i = i % #tokens + 1
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. tokens[i] })
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
