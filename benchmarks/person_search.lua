-- wrk script for benchmarks/run.py: person lookups at intake, GET /api/v1/people/search with
-- a different query every request, drawn from the names of the synthetic population.
--
-- Arguments (after wrk's "--"): a run id (unused), the first names and the last names of
-- deflect/core/demo_people.py (comma-separated), and the earliest and latest birth years.
-- Queries: the exact name (30%), the name with one typo (25%), the name and a date of birth
-- (20%), first and last name swapped (10%), the last name and a phone number (10%), a typo and
-- a date of birth (5%). Each thread draws its own fixed sequence. Authorization comes from -H.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")

local report_init = init
local firsts, lasts, first_year, last_year

local function split(text)
  local items = {}
  for item in string.gmatch(text, "[^,]+") do
    table.insert(items, item)
  end
  return items
end

local function pick(items)
  return items[math.random(1, #items)]
end

local function escape(text)
  return (string.gsub(text, "[^%w%-%._~]", function(ch)
    return string.format("%%%02X", string.byte(ch))
  end))
end

-- One slip of the fingers after the first letter: two letters swapped, one left out, or one
-- typed twice.
local function typo(name)
  local n = #name
  if n < 4 then
    return name
  end
  local i = math.random(2, n - 1)
  local kind = math.random(1, 3)
  if kind == 1 then
    return name:sub(1, i - 1) .. name:sub(i + 1, i + 1) .. name:sub(i, i) .. name:sub(i + 2)
  elseif kind == 2 then
    return name:sub(1, i - 1) .. name:sub(i + 1)
  end
  return name:sub(1, i) .. name:sub(i)
end

local function birth_date()
  return string.format(
    "%04d-%02d-%02d", math.random(first_year, last_year), math.random(1, 12), math.random(1, 28)
  )
end

function init(args)
  report_init(args)
  firsts, lasts = split(args[2]), split(args[3])
  first_year, last_year = tonumber(args[4]), tonumber(args[5])
  math.randomseed(1000 + thread_index)
end

function request()
  local first, last = pick(firsts), pick(lasts)
  local query
  local r = math.random()
  if r < 0.30 then
    query = { first_name = first, last_name = last }
  elseif r < 0.55 then
    if math.random() < 0.5 then
      query = { first_name = typo(first), last_name = last }
    else
      query = { first_name = first, last_name = typo(last) }
    end
  elseif r < 0.75 then
    query = { first_name = first, last_name = last, date_of_birth = birth_date() }
  elseif r < 0.85 then
    query = { first_name = last, last_name = first }
  elseif r < 0.95 then
    query = { last_name = last, phone = string.format("(410) 555-%04d", math.random(0, 9999)) }
  else
    query = { first_name = typo(first), last_name = last, date_of_birth = birth_date() }
  end
  local parts = {}
  for _, key in ipairs({ "first_name", "last_name", "date_of_birth", "phone" }) do
    if query[key] then
      table.insert(parts, key .. "=" .. escape(query[key]))
    end
  end
  return wrk.format("GET", wrk.path .. "?" .. table.concat(parts, "&"))
end
