-- wrk script for bench/query/run: GET each request path of the mix in turn, forever.
--   wrk ... -s mix.lua http://127.0.0.1:PORT -- docket.paths
-- Every thread reads the list and cycles through it from the top, so at any concurrency the mix
-- is the same fixed set of queries in equal shares.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  if #paths == 0 then
    error("no request paths in " .. tostring(args[1]))
  end
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept"] = "application/json;odata=nometadata" })
end
