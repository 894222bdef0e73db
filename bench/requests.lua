-- Requests read from a file, for wrk (bench/run.py writes the files and reads the result).
--
--   wrk -t2 -c16 -d5s -s bench/requests.lua http://127.0.0.1:PORT -- FILE MODE THREADS
--
-- FILE has one request a line, its fields separated by tabs: the method, the path, the body
-- ("-" for none), then the headers, each "Name: value". Thread k of THREADS sends lines k,
-- k + THREADS, k + 2 THREADS…, so that no two requests of a pass share a line.
--
-- MODE "cycle" starts again after the last line, for the whole of wrk's duration. MODE "once"
-- sends each line once (an item whose review has started cannot start again). A thread whose
-- lines are all answered prints "bench-finished" and sends nothing more; bench/run.py then
-- interrupts wrk (SIGINT: it stops and reports), as a connection that sends nothing holds one
-- of gunicorn's sync workers. The rate of "once" is taken from the first request to the last
-- answer, not over wrk's whole duration, which wrk's own Requests/sec divides by.
--
-- done() prints one line: "bench-result " and JSON with the answers, the seconds they took,
-- how many were not 2xx (any status outside 200–299, redirects too), each status seen, wrk's
-- socket errors, and the latency's p50, p99, mean and max in µs.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local WAIT_OUT_MS = 24 * 3600 * 1000 -- longer than any run: wrk stops first
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1e6 + tonumber(clock.tv_nsec) / 1e3
end

-- setup() and done() run in wrk's main Lua state, each thread in a state of its own, where
-- setup() sets "id" before the thread's init().
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function split(line)
  local fields, start = {}, 1
  while true do
    local tab = string.find(line, "\t", start, true)
    if not tab then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, tab - 1))
    start = tab + 1
  end
end

function init(args)
  local path, mode, count = args[1], args[2], tonumber(args[3])
  once = mode == "once"
  if not once then
    delay = nil -- wrk looks for the hook after the first thread's init: no timer per request
  end
  requests, sent, reserved = {}, 0, 0
  answered, non2xx, statuses = 0, 0, {}
  started, last_answer, finished = nil, nil, false
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then
      table.insert(lines, line)
    end
  end
  if #lines == 0 then
    error(path .. ": no request")
  end
  for index, line in ipairs(lines) do
    -- Fewer lines than threads: in a cycle, every thread sends them all.
    if (index - 1) % count == id or (not once and #lines < count) then
      local fields = split(line)
      local headers = {}
      for field = 4, #fields do
        local name, value = string.match(fields[field], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = fields[3] ~= "-" and fields[3] or nil
      table.insert(requests, wrk.format(fields[1], fields[2], headers, body))
    end
  end
  finished = once and #requests == 0
end

-- "once" only: called before each request, it holds a line for the request that follows, or
-- keeps the connection waiting when none is left.
function delay()
  if reserved < #requests then
    reserved = reserved + 1
    return 0
  end
  return WAIT_OUT_MS
end

function request()
  if started == nil then
    started = now_us()
  end
  if sent == #requests then -- a cycle starts again (once, delay() never lets it get here)
    sent = 0
  end
  sent = sent + 1
  return requests[sent]
end

function response(status, headers, body)
  answered = answered + 1
  last_answer = now_us()
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
  statuses[status] = (statuses[status] or 0) + 1
  if once and answered == #requests then
    finished = true
    io.write("bench-finished\n")
    io.flush()
  end
end

-- A flat table as JSON: keys quoted, values as they are (numbers, or JSON text).
local function json_object(values)
  local parts = {}
  for key, value in pairs(values) do
    table.insert(parts, string.format('"%s": %s', tostring(key), tostring(value)))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local total, bad, seen = 0, 0, {}
  local first, last, all_finished, once_mode = nil, nil, true, false
  for _, thread in ipairs(threads) do
    total = total + thread:get("answered")
    bad = bad + thread:get("non2xx")
    for status, count in pairs(thread:get("statuses")) do
      seen[status] = (seen[status] or 0) + count
    end
    local started, answer = thread:get("started"), thread:get("last_answer")
    if started ~= nil and (first == nil or started < first) then
      first = started
    end
    if answer ~= nil and (last == nil or answer > last) then
      last = answer
    end
    all_finished = all_finished and thread:get("finished")
    once_mode = thread:get("once")
  end
  local seconds = summary.duration / 1e6
  if once_mode and first ~= nil and last ~= nil then
    seconds = (last - first) / 1e6
  end
  io.write("bench-result ", json_object({
    answered = total,
    seconds = string.format("%.6f", seconds),
    finished = tostring(all_finished),
    non2xx = bad,
    statuses = json_object(seen),
    errors = json_object(summary.errors),
    p50_us = latency:percentile(50.0),
    p99_us = latency:percentile(99.0),
    mean_us = string.format("%.1f", latency.mean),
    max_us = latency.max,
  }), "\n")
end
