-- POST /api/v1/auth/login as a random seeded user, and print the summary as one JSON line.
local users = tonumber(os.getenv("BENCH_USERS") or "100000")
local password = os.getenv("BENCH_PASSWORD")

init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

request = function()
  local email = string.format("bench-%06d@bench.example", math.random(users))
  local body = '{"email": "' .. email .. '", "password": "' .. password .. '"}'
  return wrk.format("POST", "/api/v1/auth/login", { ["Content-Type"] = "application/json" }, body)
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
