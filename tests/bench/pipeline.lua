-- pipeline.lua - makes wrk send DEPTH requests for the URL's path in one
-- write and count each response:  wrk -s pipeline.lua URL -- [DEPTH]
-- (default 16).  Without it wrk waits for each response before the next
-- request, so it cannot measure how a server answers a pipelined burst.
init = function(args)
	local depth = tonumber(args[1]) or 16
	local r = {}
	for i = 1, depth do
		r[i] = wrk.format()
	end
	req = table.concat(r)
end

request = function()
	return req
end
