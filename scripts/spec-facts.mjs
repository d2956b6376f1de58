#!/usr/bin/env node
// Print Redis's facts for commands (arity, flags, ACL categories, key specs, arguments, tips)
// as CommandSpec TypeScript objects, read from a running redis-server with redis-cli --json.
// Summaries and complexity notes are left empty: write them in our own words.
//   node scripts/spec-facts.mjs <port> hset hget ...
import { execFileSync } from 'node:child_process';

const [port, ...names] = process.argv.slice(2);
const cli = (...args) => JSON.parse(execFileSync('redis-cli', ['-p', port, '--json', ...args], { encoding: 'utf8' }));

const q = (s) => `'${String(s).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const list = (a) => `[${a.map(q).join(', ')}]`;

function beginSearch(b) {
  if (b.type === 'index') return `{ index: { pos: ${b.spec.index} } }`;
  if (b.type === 'keyword') return `{ keyword: { keyword: ${q(b.spec.keyword)}, startfrom: ${b.spec.startfrom} } }`;
  return '{ unknown: null }';
}
function findKeys(f) {
  if (f.type === 'range') return `{ range: { lastkey: ${f.spec.lastkey}, step: ${f.spec.keystep}, limit: ${f.spec.limit} } }`;
  if (f.type === 'keynum') return `{ keynum: { keynumidx: ${f.spec.keynumidx}, firstkey: ${f.spec.firstkey}, step: ${f.spec.keystep} } }`;
  return '{ unknown: null }';
}
function arg(a, ind) {
  const parts = [`name: ${q(a.name)}`, `type: ${q(a.type)}`];
  if (a.token !== undefined) parts.push(`token: ${q(a.token)}`);
  const flags = a.flags ?? [];
  if (flags.includes('optional')) parts.push('optional: true');
  if (flags.includes('multiple')) parts.push('multiple: true');
  if (flags.includes('multiple_token')) parts.push('multiple_token: true');
  if (a.key_spec_index !== undefined) parts.push(`key_spec_index: ${a.key_spec_index}`);
  if (a.display_text !== undefined) parts.push(`display: ${q(a.display_text)}`);
  if (a.since !== undefined) parts.push(`since: ${q(a.since)}`);
  if (a.arguments) {
    const inner = a.arguments.map((x) => `${ind}  ${arg(x, ind + '  ')},`).join('\n');
    return `{ ${parts.join(', ')}, arguments: [\n${inner}\n${ind}] }`;
  }
  return `{ ${parts.join(', ')} }`;
}

for (const name of names) {
  const [info] = cli('COMMAND', 'INFO', name);
  const docs = cli('COMMAND', 'DOCS', name)[name];
  if (!info || !docs) { console.error(`unknown: ${name}`); continue; }
  const [, arity, flags, , , , acl, tips, keySpecs] = info;
  const out = ['  {', `    name: ${q(name)},`, "    summary: '',", `    since: ${q(docs.since)},`, `    group: ${q(docs.group)},`,
    "    complexity: '',", `    arity: ${arity},`, `    flags: ${list(flags)},`, `    acl: ${list(acl.map((c) => c.replace(/^@/, '')))},`];
  if (keySpecs.length) {
    out.push('    key_specs: [');
    for (const k of keySpecs) out.push(`      { flags: ${list(k.flags)}, begin_search: ${beginSearch(k.begin_search)}, find_keys: ${findKeys(k.find_keys)} },`);
    out.push('    ],');
  }
  if (docs.arguments?.length) {
    out.push('    arguments: [');
    for (const a of docs.arguments) out.push(`      ${arg(a, '      ')},`);
    out.push('    ],');
  }
  if (tips.length) out.push(`    tips: ${list(tips)},`);
  out.push('  },');
  console.log(out.join('\n'));
}
