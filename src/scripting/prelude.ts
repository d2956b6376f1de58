/**
 * Lua source run once when a scripting VM is created, after the JS libraries (redis, cjson,
 * cmsgpack, bit, struct) are installed as globals. It makes Lua 5.4 look like the Lua 5.1 that
 * Redis scripts are written for, then builds the sandbox:
 *
 *  - 5.1 names: unpack, loadstring, gcinfo, table.getn/setn/maxn/foreach/foreachi, math.mod/pow/
 *    log10/ldexp/frexp/atan2/cosh/sinh/tanh, string.gfind.
 *  - 5.1 number text: tostring() and string.format('%s'/'%d'...) print an integral float as "5"
 *    (not "5.0") and '%d' truncates a fractional number instead of failing. The `..` operator
 *    cannot be reached from Lua; it still prints "5.0" (docs/lua-vm.md, differences).
 *  - The sandbox: only the globals Redis 7.0 exposes survive (no os, io, package, require,
 *    dofile, loadfile, debug). Scripts run with _ENV = a read-only proxy of the global table:
 *    reading a missing global and writing any global raise Redis's errors; the library
 *    tables are read-only proxies too.
 *
 * The chunk returns: the proxy (the scripts' environment), the real global table (for KEYS and
 * ARGV), and the message handler used by every script call.
 */
export const kPrelude = String.raw`
local G = _G
local dbg = debug
local sfmt, mtype, mfloor, mceil = string.format, math.type, math.floor, math.ceil
local rawtostring, rawload, rawerror, rawtype, rawselect = tostring, load, error, type, select
local tunpack, rawpairs, rawset, setmt = table.unpack, pairs, rawset, setmetatable

local function num51(v)
  if mtype(v) == 'float' then return sfmt('%.14g', v) end
  return rawtostring(v)
end
tostring = function(v) if mtype(v) == 'float' then return sfmt('%.14g', v) end return rawtostring(v) end

-- string.format with 5.1 numbers: only does extra work when an argument is a float.
local function fmt51(f, ...)
  local n = rawselect('#', ...)
  local hasfloat = false
  for i = 1, n do if mtype((rawselect(i, ...))) == 'float' then hasfloat = true break end end
  if not hasfloat then return sfmt(f, ...) end
  local args = { ... }
  local i = 0
  for spec in string.gmatch(f, '%%[-+ #0]*%d*%.?%d*(%a?)') do
    if spec ~= '' then
      i = i + 1
      local v = args[i]
      if mtype(v) == 'float' then
        if spec == 's' then args[i] = num51(v)
        elseif spec == 'd' or spec == 'i' or spec == 'c' or spec == 'o' or spec == 'u'
            or spec == 'x' or spec == 'X' then
          if v == v and v ~= 1/0 and v ~= -1/0 then args[i] = v >= 0 and mfloor(v) or mceil(v) end
        end
      end
    end
  end
  return sfmt(f, tunpack(args, 1, n))
end
string.format = fmt51

unpack = table.unpack
table.getn = function(t) return #t end
table.setn = function() rawerror("'setn' is obsolete", 2) end
table.maxn = function(t)
  local m = 0
  for k in rawpairs(t) do if rawtype(k) == 'number' and k > m then m = k end end
  return m
end
table.foreach = function(t, f)
  for k, v in rawpairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
table.foreachi = function(t, f)
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
math.mod = math.fmod
math.pow = function(a, b) return a ^ b end
math.log10 = function(x) return math.log(x, 10) end
math.ldexp = function(m, e) return m * 2.0 ^ e end
math.frexp = function(x)
  if x == 0 or x ~= x or x == 1/0 or x == -1/0 then return x, 0 end
  local e = mfloor(math.log(math.abs(x), 2)) + 1
  local m = x / 2.0 ^ e
  if math.abs(m) >= 1 then m = m / 2; e = e + 1 elseif math.abs(m) < 0.5 then m = m * 2; e = e - 1 end
  return m, e
end
math.atan2 = function(y, x) return math.atan(y, x) end
math.cosh = function(x) return (math.exp(x) + math.exp(-x)) / 2 end
math.sinh = function(x) return (math.exp(x) - math.exp(-x)) / 2 end
math.tanh = function(x) local a, b = math.exp(x), math.exp(-x) return (a - b) / (a + b) end
string.gfind = string.gmatch
gcinfo = function() return collectgarbage('count') end

-- Only Redis 7.0's globals survive.
local keep = {
  _G = 1, _VERSION = 1, assert = 1, bit = 1, cjson = 1, cmsgpack = 1, collectgarbage = 1,
  coroutine = 1, error = 1, gcinfo = 1, getmetatable = 1, ipairs = 1, load = 1, loadstring = 1,
  math = 1, next = 1, pairs = 1, pcall = 1, rawequal = 1, rawget = 1, rawset = 1, redis = 1,
  select = 1, setmetatable = 1, string = 1, struct = 1, table = 1, tonumber = 1, tostring = 1,
  type = 1, unpack = 1, xpcall = 1,
}
local drop = {}
for k in rawpairs(G) do if not keep[k] then drop[#drop + 1] = k end end
for _, k in ipairs(drop) do G[k] = nil end
G._VERSION = 'Lua 5.1'

local function readonly() rawerror('Attempt to modify a readonly table', 2) end

-- Read-only proxies of the library tables (pairs still walks the real table).
local function protect(t)
  return setmt({}, { __index = t, __newindex = readonly, __metatable = false,
    __pairs = function() return next, t, nil end, __len = function() return #t end })
end
for _, lib in ipairs({ 'string', 'math', 'table', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct', 'redis' }) do
  G[lib] = protect(G[lib])
end

-- Scripts see env: reads fall through to G (a table __index: fast), a missing name reaches
-- G's own __index, which raises; every write to env raises.
setmt(G, { __index = function(_, k)
  rawerror("Script attempted to access nonexistent global variable '" .. rawtostring(k) .. "'", 2)
end })
local env = setmt({}, {
  __index = G,
  __newindex = readonly,
  __metatable = false,
  __pairs = function() return next, G, nil end,
})
G._G = env

loadstring = function(s, name)
  return rawload(s, name, 't', env)
end
G.loadstring = loadstring
G.load = function(chunk, name, mode, e)
  if mode ~= nil and mode ~= 't' then return nil, 'attempt to load a binary chunk' end
  return rawload(chunk, name, 't', e or env)
end

-- Message handler: a table error keeps its fields; anything else becomes {err = "ERR ..."}.
-- The position is that of the innermost Lua function (a redis.call error is raised in C).
local function handler(e)
  if rawtype(e) ~= 'table' then e = { err = 'ERR ' .. rawtostring(e) } end
  for level = 2, 12 do
    local i = dbg.getinfo(level, 'Sl')
    if i == nil then break end
    if i.what ~= 'C' and i.source ~= '=prelude' then
      if e.source == nil then e.source = i.source; e.line = i.currentline end
      break
    end
  end
  return e
end
return env, G, handler
`;
