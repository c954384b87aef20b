-- wrk script for benchmarks/run.py: POSTs one JSON encounter per request, each with its own
-- client_uuid, so that every request creates a new encounter instead of replaying one.
--
-- Arguments (after wrk's "--"): a run id of 8 hex digits (new for every wrk run), then the
-- JSON body split where the client_uuid goes: the text before it and the text after it.
-- A client_uuid is <run id>-<thread>-4xxx-yxxx-<counter>: distinct per run, thread and request.
-- Content-Type and Authorization come from wrk's -H option. Expected answer: 201 Created.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")

expected_status = 201

local report_init = init
local run_id, body_head, body_tail
local counter = 0

function init(args)
  report_init(args)
  run_id, body_head, body_tail = args[1], args[2], args[3]
  math.randomseed(thread_index)
end

function request()
  counter = counter + 1
  local client_uuid = string.format(
    "%s-%04x-4%03x-%04x-%012x",
    run_id, thread_index, math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), counter
  )
  return wrk.format("POST", nil, nil, body_head .. client_uuid .. body_tail)
end
