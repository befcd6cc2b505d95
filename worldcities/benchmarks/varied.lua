-- wrk script: each request takes the next path from a file (one path a line), each thread
-- starting at its own place, so that no single URL is requested over and over.
-- Usage: wrk ... -s varied.lua http://127.0.0.1:PORT -- paths.txt [cookie]

local paths = {}
local position = 0
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("offset", thread_count * 7919)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  if args[2] and #args[2] > 0 then
    wrk.headers["Cookie"] = args[2]
  end
  position = (offset or 0) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
