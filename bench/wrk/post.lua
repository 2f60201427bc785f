-- POSTs to a token-swap route with a body that differs on every request, the way real traffic
-- does: /exchange gets a fresh code each time, /refresh cycles through the refresh tokens in
-- BENCH_TOKENS (one a line, form-encoded), each thread through its own share of them. A server
-- that joins concurrent refreshes of one token or remembers recent ones therefore does its full
-- work on every request, as it does for many users.
-- Prints the run's figures as one JSON line with wrk's full latency distribution.
local threads = {}
local tokens = {}
-- A global, so that done() can read each thread's position with thread:get().
counter = 0
local code_prefix = "AQ" .. string.rep("c", 230)

-- Where each thread got to is kept in BENCH_POSITIONS between runs, so that the next run goes
-- on with tokens that have not been used lately.
local function read_positions(path)
  local positions = {}
  local file = path and io.open(path, "r")
  if file then
    for line in file:lines() do
      positions[#positions + 1] = tonumber(line)
    end
    file:close()
  end
  return positions
end

function setup(thread)
  local positions = read_positions(os.getenv("BENCH_POSITIONS"))
  thread:set("index", #threads)
  thread:set("start", positions[#threads + 1] or 0)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("BENCH_TOKENS")
  local all = {}
  if path and path ~= "" then
    for line in io.lines(path) do
      all[#all + 1] = line
    end
  end
  local share = math.floor(#all / tonumber(os.getenv("BENCH_THREADS")))
  for i = index * share + 1, (index + 1) * share do
    tokens[#tokens + 1] = all[i]
  end
  counter = start
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
  counter = counter + 1
  local body
  if #tokens > 0 then
    body = "refresh_token=" .. tokens[counter % #tokens + 1]
  else
    body = "code=" .. code_prefix .. string.format("%d-%012d", index, counter)
  end
  return wrk.format(nil, nil, nil, body)
end

local function save_positions(path)
  local file = path and io.open(path, "w")
  if file then
    for _, thread in ipairs(threads) do
      file:write(tostring(thread:get("counter")), "\n")
    end
    file:close()
  end
end

function done(summary, latency, requests)
  save_positions(os.getenv("BENCH_POSITIONS"))
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"p999_us":%d,' ..
    '"mean_us":%.1f,"max_us":%d,"non_2xx":%d,"errors_connect":%d,"errors_read":%d,' ..
    '"errors_write":%d,"errors_timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency:percentile(99.9), latency.mean, latency.max, errors.status, errors.connect,
    errors.read, errors.write, errors.timeout))
end
