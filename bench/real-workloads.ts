/**
 * Scripts for the interpreters of real-programs.ts: loops, recursion, tables/objects, strings,
 * a JSON-ish encoder and parser. Each takes a size `n`; the bench uses `bench`, the test (counts
 * only, not timed) the smaller `test`. Each returns a number, compared across the three modes.
 */
export interface Workload {
  name: string;
  source: (n: number) => string;
  bench: number;
  test: number;
}

export const LUA_WORKLOADS: Workload[] = [
  {
    name: 'fib', bench: 28, test: 18,
    source: (n) => `local function fib(k) if k < 2 then return k end return fib(k - 1) + fib(k - 2) end
return fib(${n})`,
  },
  {
    name: 'sieve', bench: 400_000, test: 30_000,
    source: (n) => `local n, flags, count = ${n}, {}, 0
for i = 2, n do flags[i] = true end
for i = 2, n do
  if flags[i] then count = count + 1; for j = i * i, n, i do flags[j] = false end end
end
return count`,
  },
  {
    name: 'strings', bench: 40_000, test: 3_000,
    source: (n) => `local parts = {}
for i = 1, ${n} do parts[#parts + 1] = string.format('%d:%s', i, tostring(i * 7)) end
local s = table.concat(parts, ',')
local words = 0
for w in s:gmatch('%d+:') do words = words + 1 end
local up = s:sub(1, 2000):upper():rep(3)
return #s + words + #s:gsub('7', 'seven') + #up`,
  },
  {
    name: 'objects', bench: 60_000, test: 4_000,
    source: (n) => `local Point = {}
Point.__index = Point
function Point.new(x, y) return setmetatable({ x = x, y = y }, Point) end
function Point:add(o) return Point.new(self.x + o.x, self.y + o.y) end
local acc = Point.new(0, 0)
for i = 1, ${n} do acc = acc:add(Point.new(i, -i // 2)) end
local t = {}
for i = 1, ${n} do t[i] = (i * 7919) % 10007 end
table.sort(t)
local byKey = {}
for i = 1, ${n} do local k = 'k' .. (i % 997); byKey[k] = (byKey[k] or 0) + i end
local sum = 0
for _, v in pairs(byKey) do sum = sum + v end
return acc.x + acc.y + t[1] + t[#t] + sum`,
  },
  {
    name: 'json', bench: 2_000, test: 150,
    source: (n) => `local function encode(v)
  local t = type(v)
  if t == 'number' then return tostring(v) end
  if t == 'string' then return '"' .. v .. '"' end
  local out = {}
  if #v > 0 then
    for i = 1, #v do out[i] = encode(v[i]) end
    return '[' .. table.concat(out, ',') .. ']'
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  for i, k in ipairs(keys) do out[i] = '"' .. k .. '":' .. encode(v[k]) end
  return '{' .. table.concat(out, ',') .. '}'
end
local function decode(s)
  local pos = 1
  local value
  local function ws() while s:byte(pos) == 32 do pos = pos + 1 end end
  function value()
    ws()
    local c = s:byte(pos)
    if c == 123 then
      pos = pos + 1
      local obj = {}
      if s:byte(pos) == 125 then pos = pos + 1 return obj end
      while true do
        local k = value(); ws(); pos = pos + 1
        obj[k] = value(); ws()
        local d = s:byte(pos); pos = pos + 1
        if d == 125 then return obj end
      end
    elseif c == 91 then
      pos = pos + 1
      local arr = {}
      while true do
        arr[#arr + 1] = value(); ws()
        local d = s:byte(pos); pos = pos + 1
        if d == 93 then return arr end
      end
    elseif c == 34 then
      local e = s:find('"', pos + 1, true)
      local str = s:sub(pos + 1, e - 1)
      pos = e + 1
      return str
    else
      local e = pos
      while true do local d = s:byte(e); if d and (d == 45 or (d >= 48 and d <= 57)) then e = e + 1 else break end end
      local num = tonumber(s:sub(pos, e - 1))
      pos = e
      return num
    end
  end
  return value()
end
local items = {}
for i = 1, ${n} do items[i] = { id = i, name = 'item' .. i, tags = { i % 7, i % 11, -i }, nested = { a = i * 3, b = 'x' .. (i % 13) } } end
local text = encode({ items = items, count = ${n} })
local back = decode(text)
local sum = 0
for _, it in ipairs(back.items) do sum = sum + it.id + it.tags[3] + it.nested.a end
return #text + sum + back.count`,
  },
];

export const JS_WORKLOADS: Workload[] = [
  {
    name: 'fib', bench: 27, test: 16,
    source: (n) => `function fib(k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }
fib(${n})`,
  },
  {
    name: 'sieve', bench: 300_000, test: 20_000,
    source: (n) => `(() => { const n = ${n}; const flags = new Array(n + 1).fill(true); let count = 0;
for (let i = 2; i <= n; i++) if (flags[i]) { count++; for (let j = i * i; j <= n; j += i) flags[j] = false; }
return count; })()`,
  },
  {
    name: 'strings', bench: 30_000, test: 2_000,
    source: (n) => `(() => { const parts = [];
for (let i = 1; i <= ${n}; i++) parts.push(\`\${i}:\${(i * 7).toString(16)}\`);
const s = parts.join(',');
const words = s.split(',').length;
const digits = (s.match(/[0-9]+:/g) || []).length;
const up = s.slice(0, 2000).toUpperCase().repeat(3);
return s.length + words + digits + s.replaceAll('7', 'seven').length + up.length; })()`,
  },
  {
    name: 'objects', bench: 40_000, test: 3_000,
    source: (n) => `(() => { class Point { constructor(x, y) { this.x = x; this.y = y; } add(o) { return new Point(this.x + o.x, this.y + o.y); } }
let acc = new Point(0, 0);
for (let i = 1; i <= ${n}; i++) acc = acc.add(new Point(i, -(i >> 1)));
const t = [];
for (let i = 1; i <= ${n}; i++) t.push((i * 7919) % 10007);
t.sort((a, b) => a - b);
const byKey = new Map();
for (let i = 1; i <= ${n}; i++) { const k = 'k' + (i % 997); byKey.set(k, (byKey.get(k) || 0) + i); }
let sum = 0;
for (const v of byKey.values()) sum += v;
return acc.x + acc.y + t[0] + t[t.length - 1] + sum; })()`,
  },
  {
    name: 'json', bench: 2_000, test: 150,
    // JSON.stringify / JSON.parse are QuickJS's C code; the hand-written tokenizer is bytecode.
    source: (n) => `(() => { const items = [];
for (let i = 1; i <= ${n}; i++) items.push({ id: i, name: 'item' + i, tags: [i % 7, i % 11, -i], nested: { a: i * 3, b: 'x' + (i % 13) } });
const text = JSON.stringify({ items, count: ${n} });
const back = JSON.parse(text);
let sum = 0;
for (const it of back.items) sum += it.id + it.tags[2] + it.nested.a;
let tokens = 0, depth = 0, maxDepth = 0;
for (let i = 0; i < text.length; i++) {
  const c = text.charCodeAt(i);
  if (c === 123 || c === 91) { depth++; if (depth > maxDepth) maxDepth = depth; }
  else if (c === 125 || c === 93) depth--;
  else if (c === 44 || c === 58) tokens++;
}
return text.length + sum + back.count + tokens + maxDepth; })()`,
  },
];
