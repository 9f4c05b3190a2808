-- wrk script: POSTs the six bundled adult critical care examples in turn to
-- the evaluate route of `netspec serve` (benches/http/run.sh runs it).
-- NETSPEC_EXAMPLES: the folder of examples; NETSPEC_PATH: the route and query.
local dir = os.getenv("NETSPEC_EXAMPLES") or "specs/examples/adult_critical_care"
local path = os.getenv("NETSPEC_PATH") or "/v1/specs/adult_critical_care/evaluate"
local names = {
  "compliant", "non_compliant", "partly_compliant",
  "half_filled", "network_compliant", "network_non_compliant",
}
local requests = {}
local i = 0

function init(args)
  for _, n in ipairs(names) do
    local f = assert(io.open(dir .. "/" .. n .. ".json", "rb"))
    local body = f:read("*a")
    f:close()
    requests[#requests + 1] = wrk.format("POST", path, { ["content-type"] = "application/json" }, body)
  end
end

function request()
  i = i % #requests + 1
  return requests[i]
end
