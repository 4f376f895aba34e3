-- relay.lua — wrk script for tests/bench/relay.sh: POSTs pre-signed Twilio
-- inbound SMS forms, a distinct MessageSid per request, so that each request
-- is a new message the relay must commit (not a duplicate it can skip).
--
-- The bodies file ($RELAY_BODIES) holds one "signature<TAB>form body" line
-- per request, signed over public_url + /twilio/message by relay.sh. Each
-- wrk thread takes every Nth line, so threads never send the same one. At
-- the end, one RESULT line gives the figures relay.sh reads.

local threads = {}
local counter = 0

function setup(thread)
	counter = counter + 1
	thread:set("id", counter - 1)
	table.insert(threads, thread)
end

function init(args)
	local path = os.getenv("RELAY_BODIES")
	local nthreads = tonumber(os.getenv("RELAY_THREADS") or "2")
	local i = 0
	sigs, bodies, n = {}, {}, 0
	for line in io.lines(path) do
		if i % nthreads == id then
			local tab = line:find("\t", 1, true)
			n = n + 1
			sigs[n] = line:sub(1, tab - 1)
			bodies[n] = line:sub(tab + 1)
		end
		i = i + 1
	end
	next_i = 0
	wrapped = 0
	wrk.method = "POST"
	wrk.path = "/twilio/message"
	wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end

function request()
	next_i = next_i + 1
	if next_i > n then
		next_i = 1
		wrapped = wrapped + 1
	end
	wrk.headers["X-Twilio-Signature"] = sigs[next_i]
	return wrk.format(nil, nil, nil, bodies[next_i])
end

function done(summary, latency, requests)
	local wrapped_any = 0
	for _, t in ipairs(threads) do
		wrapped_any = wrapped_any + (t:get("wrapped") or 0)
	end
	local e = summary.errors
	io.write(string.format("RESULT requests=%d duration_us=%d non2xx=%d " ..
	    "connect=%d read=%d write=%d timeout=%d p50_us=%d p90_us=%d " ..
	    "p99_us=%d max_us=%d wrapped=%d\n",
	    summary.requests, summary.duration, e.status, e.connect, e.read,
	    e.write, e.timeout, latency:percentile(50), latency:percentile(90),
	    latency:percentile(99), latency.max, wrapped_any))
end
