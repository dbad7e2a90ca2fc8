-- The entity page as Apollo Client sends it (POST, JSON, fragments, a variable), cycling
-- through the entity ids given after `--` (default: six of the most connected in the bundled corpus, three of them quoted).
-- Run from the repository root:
--   wrk -t1 -c8 -d10s --latency -s benches/wrk/entity.lua http://127.0.0.1:18931/graphql [-- ID ...]
local function json_string(s)
  s = s:gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('\n', '\\n')
  return '"' .. s .. '"'
end

local query = io.open(os.getenv("ENTITY_PAGE_QUERY") or "benches/wrk/entity-page.graphql"):read("*a")
local bodies = {}

function init(args)
  local ids = #args > 0 and args or {
    "ed8d20e712fab6c5224c4892f", "ed950cab923a5a67889a77a33", "e3b98c7da667eb26422691f7f", -- Rotterdam, Amsterdam, Nederland
    "e86d51a3b23197304105057c5", "ec9bd75767e924de4608dd19d", "eac0f8231e7a25561ed1cd553", -- Jans Koerts, Aboutaleb, Máxima
  }
  for _, id in ipairs(ids) do
    bodies[#bodies + 1] = '{"operationName":"EntityPage","query":' .. json_string(query)
      .. ',"variables":{"id":' .. json_string(id) .. '}}'
  end
end

local i = 0
function request()
  i = i + 1
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/graphql-response+json, application/json",
  }, bodies[(i % #bodies) + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("non-2xx or socket errors: %d\n", e.status + e.connect + e.read + e.write + e.timeout))
end
