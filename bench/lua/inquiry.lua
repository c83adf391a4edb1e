-- Inquiries as a browser sends them, one new visitor per cycle:
--   1. GET the form: the CSRF cookie and the form's token;
--   2. POST a valid inquiry: 303 to the confirmation, with a session cookie;
--   3. GET the confirmation and read the reference (id="inquiry-reference").
-- Run with as many threads as connections (-t16 -c16): each thread then has
-- one connection and its own cycle. Every inquiry comes from its own
-- X-Forwarded-For address, believed because the server trusts 127.0.0.1 as
-- its proxy, so the per-address rate limit stays on and is never hit.
-- Settings come from the environment: BENCH_FORM_PATH (where the form is
-- got and posted), BENCH_RUN (a tag in every e-mail address) and BENCH_REFS_FILE (where
-- done() writes the references read).

local form_path = os.getenv("BENCH_FORM_PATH")
local run_tag = os.getenv("BENCH_RUN")
local refs_file = os.getenv("BENCH_REFS_FILE")
local origin = "http://" .. wrk.host .. ":" .. wrk.port

local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

-- Per thread (each thread runs its own copy of this script).
step = "form"
cookies = {}
token = nil
count = 0
acked = 0
refs = {}
failures = {}

local function cookie_header()
  local parts = {}
  for name, value in pairs(cookies) do
    table.insert(parts, name .. "=" .. value)
  end
  return table.concat(parts, "; ")
end

local function remember_cookie(headers)
  local raw = headers["Set-Cookie"] or headers["set-cookie"]
  if raw then
    local name, value = raw:match("^%s*([^=;]+)=([^;]*)")
    if name then cookies[name] = value end
  end
end

local function fail(what)
  failures[what] = (failures[what] or 0) + 1
  step = "form"
end

function request()
  if step == "form" then
    cookies = {}
    return wrk.format("GET", form_path)
  elseif step == "post" then
    count = count + 1
    local email = string.format("bench-%s-t%d-%d@example.com", run_tag, thread_id, count)
    local body = "csrfmiddlewaretoken=" .. token ..
      "&kind=study&full_name=Bench+Applicant&email=" .. email:gsub("@", "%%40") ..
      "&nationality=DE&program=&intake=&organization=&group_size=" ..
      "&message=Which+programmes+are+taught+in+English%3F&consent=on&website="
    return wrk.format("POST", form_path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie_header(),
      ["Origin"] = origin,
      -- 10.<thread>.<high>.<low>: one address per inquiry.
      ["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_id, math.floor(count / 250) % 250, count % 250 + 1),
    }, body)
  else
    return wrk.format("GET", sent_path, { ["Cookie"] = cookie_header() })
  end
end

function response(status, headers, body)
  if step == "form" then
    remember_cookie(headers)
    token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"')
    if status == 200 and token and cookies["csrftoken"] then
      step = "post"
    else
      fail("form " .. status)
    end
  elseif step == "post" then
    local location = headers["Location"] or headers["location"] or ""
    if status == 303 and location:find("/inquiries/sent/", 1, true) then
      acked = acked + 1
      remember_cookie(headers)
      sent_path = location
      step = "sent"
    else
      fail("post " .. status)
    end
  else
    local ref = body:match('id="inquiry%-reference"[^>]*>%s*([^<%s]+)%s*<')
    if status == 200 and ref then
      table.insert(refs, ref)
      step = "form"
    else
      fail("confirmation " .. status)
    end
  end
end

done = function(summary, latency, requests)
  local out = io.open(refs_file, "w")
  local total_acked = 0
  local total_failures = {}
  for _, thread in ipairs(threads) do
    total_acked = total_acked + thread:get("acked")
    for _, ref in ipairs(thread:get("refs")) do
      out:write(ref, "\n")
    end
    for what, n in pairs(thread:get("failures")) do
      total_failures[what] = (total_failures[what] or 0) + n
    end
  end
  out:close()
  local parts = {}
  for what, n in pairs(total_failures) do
    table.insert(parts, string.format('"%s": %d', what, n))
  end
  io.write(string.format('BENCH-INQUIRIES {"acknowledged": %d, "failures": {%s}}\n',
    total_acked, table.concat(parts, ", ")))
  bench_summary(summary, latency)
end
