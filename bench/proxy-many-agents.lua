-- wrk script for bench/run.ts's many-agents level: proxy.lua's request and result line, but
-- each request carries the next agent's credentials, round robin over a file of
-- Proxy-Authorization values (one per line; BENCH_PROXY_AUTH_FILE). The requests are built
-- once in init(), so per request wrk only returns a prepared string.
-- BENCH_PROXY_LUA: the path of proxy.lua, whose settings and done() are used as they are.

dofile(os.getenv("BENCH_PROXY_LUA"))

local requests = {}
local next_index = 0

function init(args)
  local headers = { ["Host"] = os.getenv("BENCH_HOST") }
  for value in io.lines(os.getenv("BENCH_PROXY_AUTH_FILE")) do
    if value ~= "" then
      headers["Proxy-Authorization"] = value
      requests[#requests + 1] = wrk.format("GET", os.getenv("BENCH_REQUEST_TARGET"), headers)
    end
  end
  if #requests == 0 then error("BENCH_PROXY_AUTH_FILE holds no credentials") end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
