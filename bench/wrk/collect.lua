-- Trades distinct codes for refresh tokens, sealed the server's own way, and writes each to
-- BENCH_TOKENS_DIR/tokens.<thread>, one a line and form-encoded, until BENCH_COUNT have been
-- collected in all.
local threads = {}
local counter, wanted, out = 0, 0, nil

function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end

function init(args)
  wanted = math.ceil(tonumber(os.getenv("BENCH_COUNT")) / tonumber(os.getenv("BENCH_THREADS")))
  out = io.open(os.getenv("BENCH_TOKENS_DIR") .. "/tokens." .. index, "w")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  return wrk.format(nil, nil, nil, string.format("code=collect-%d-%d", index, counter))
end

function response(status, headers, body)
  local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
  if status == 200 and token and wanted > 0 then
    token = token:gsub("\\/", "/"):gsub("[^%w%-%._~]", function(c)
      return string.format("%%%02X", c:byte())
    end)
    out:write(token, "\n")
    wanted = wanted - 1
  end
  if wanted <= 0 then
    out:flush()
    wrk.thread:stop()
  end
end
