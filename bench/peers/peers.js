// The two npm rules engines of bench/peers, on the same members.csv:
//
//   node peers.js zen      members.csv [repeat] [budget_s]   GoRules ZEN, one evaluate per member
//   node peers.js zen-loop members.csv [repeat] [budget_s]   GoRules ZEN, loop mode, 1,000 members per evaluate
//   node peers.js jre      members.csv [repeat] [budget_s]   json-rules-engine, one run per member
//
// run.py installs the packages (bench/peers/package.json) and runs this.
// The CSV file is read once into an array of plain objects (numbers as JS
// numbers); the timed part is the evaluation of every member, awaited one
// call after the other, keeping each member's grade and the rows of each
// rule's findings, which are counted afterwards. Runs are repeated up to
// `repeat` times, but not started when the time spent so far plus the last
// run would exceed `budget_s`. Prints one JSON line: {"load_s", "eval_s"
// (wall-clock seconds per run), "cpu_s" (the process's CPU seconds, all
// threads: ZEN evaluates on libuv's pool), "counts", "version"}.
'use strict';

const fs = require('fs');
const path = require('path');

const SECTOR_FOR = {
  weak: 'party_mass', disorderly: 'political_legal', poor: 'economic',
  industry: 'agriculture', specialized: 'science_tech',
};
const RULES = ['members.sector_match', 'members.living_allowance', 'members.transport'];
const GRADES = ['excellent', 'competent', 'basic', 'incompetent'];

function readMembers(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const header = lines[0].split(',');
  const want = ['member_id', 'category', 'sector', 'daily_score', 'half_year_score',
                'year_end_score', 'living_allowance', 'transport_reimbursements'];
  if (header.join(',') !== want.join(',')) throw new Error(`unexpected header: ${lines[0]}`);
  const rows = [];
  for (let i = 1; i < lines.length; i++) {
    if (!lines[i]) continue;
    const f = lines[i].split(',');
    rows.push({
      member_id: f[0], category: f[1], sector: f[2],
      daily_score: Number(f[3]), half_year_score: Number(f[4]), year_end_score: Number(f[5]),
      living_allowance: Number(f[6]), transport_reimbursements: Number(f[7]),
    });
  }
  return rows;
}

// What every implementation keeps: each member's grade and, per rule, the
// row numbers of its findings.
function newOutput(n) {
  return { grade: new Array(n), findings: Object.fromEntries(RULES.map((r) => [r, []])) };
}

function counts(out) {
  const c = {};
  for (const r of RULES) c[r] = out.findings[r].length;
  for (const g of GRADES) c[g] = 0;
  for (const g of out.grade) c[g] += 1;
  return c;
}

function version(pkg) {
  const p = require.resolve(`${pkg}/package.json`, { paths: [__dirname] });
  return JSON.parse(fs.readFileSync(p, 'utf8')).version;
}

// GoRules ZEN: the decision graph zen/members.json (an expression node for
// the composite, a first-hit decision table for the grade, a decision table
// for sector_for_category, an expression node for the findings). ZEN's
// numbers are decimals (rust_decimal), so the composite is exact.
function zenGraph() {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'zen', 'members.json'), 'utf8'));
}

async function zenPerMember(rows) {
  const { ZenEngine } = require('@gorules/zen-engine');
  const engine = new ZenEngine();
  const decision = engine.createDecision(zenGraph());
  return async () => {
    const out = newOutput(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = (await decision.evaluate(rows[i])).result;
      out.grade[i] = r.grade;
      if (r.sector_match) out.findings['members.sector_match'].push(i);
      if (r.living_allowance) out.findings['members.living_allowance'].push(i);
      if (r.transport) out.findings['members.transport'].push(i);
    }
    return out;
  };
}

// The same graph with every node in loop mode over `members` (ZEN's
// executionMode: loop): one evaluate per chunk of members.
const ZEN_CHUNK = 1000;

async function zenLoop(rows) {
  const { ZenEngine } = require('@gorules/zen-engine');
  const graph = zenGraph();
  for (const node of graph.nodes) {
    if (node.content) {
      Object.assign(node.content, { inputField: 'members', outputPath: 'members', executionMode: 'loop' });
    }
  }
  const engine = new ZenEngine();
  const decision = engine.createDecision(graph);
  const chunks = [];
  for (let i = 0; i < rows.length; i += ZEN_CHUNK) chunks.push(rows.slice(i, i + ZEN_CHUNK));
  return async () => {
    const out = newOutput(rows.length);
    let i = 0;
    for (const members of chunks) {
      const results = (await decision.evaluate({ members })).result.members;
      for (const r of results) {
        out.grade[i] = r.grade;
        if (r.sector_match) out.findings['members.sector_match'].push(i);
        if (r.living_allowance) out.findings['members.living_allowance'].push(i);
        if (r.transport) out.findings['members.transport'].push(i);
        i++;
      }
    }
    if (i !== rows.length) throw new Error(`zen-loop: ${i} results for ${rows.length} members`);
    return out;
  };
}

// json-rules-engine: one rule per finding (the mapping as `any` of
// category/sector pairs), the composite as a computed fact and the grade
// bands as four rules on ranges. JS numbers are doubles: the composite is
// rounded to 3 decimals (the exact composite of scores with 2 decimals has
// at most 3), without which rows on a band's edge get the grade below.
async function jsonRulesEngine(rows) {
  const { Engine } = require('json-rules-engine');
  const engine = new Engine();
  engine.addFact('composite', async (params, almanac) => {
    const [d, h, y] = await Promise.all([
      almanac.factValue('daily_score'), almanac.factValue('half_year_score'),
      almanac.factValue('year_end_score')]);
    return Math.round((0.2 * d + 0.3 * h + 0.5 * y) * 1000) / 1000;
  });
  engine.addRule({
    name: 'members.sector_match',
    conditions: {
      any: Object.entries(SECTOR_FOR).map(([category, sector]) => ({
        all: [{ fact: 'category', operator: 'equal', value: category },
              { fact: 'sector', operator: 'notEqual', value: sector }],
      })),
    },
    event: { type: 'members.sector_match' },
  });
  engine.addRule({
    name: 'members.living_allowance',
    conditions: { all: [{ fact: 'living_allowance', operator: 'lessThan', value: 1100 }] },
    event: { type: 'members.living_allowance' },
  });
  engine.addRule({
    name: 'members.transport',
    conditions: { all: [{ fact: 'transport_reimbursements', operator: 'greaterThan', value: 2 }] },
    event: { type: 'members.transport' },
  });
  const bands = [['excellent', 90, null], ['competent', 75, 90], ['basic', 60, 75],
                 ['incompetent', null, 60]];
  for (const [grade, low, high] of bands) {
    const all = [];
    if (low !== null) all.push({ fact: 'composite', operator: 'greaterThanInclusive', value: low });
    if (high !== null) all.push({ fact: 'composite', operator: 'lessThan', value: high });
    engine.addRule({ name: `grade.${grade}`, conditions: { all }, event: { type: 'grade', params: { grade } } });
  }
  return async () => {
    const out = newOutput(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const { events } = await engine.run(rows[i]);
      for (const e of events) {
        if (e.type === 'grade') out.grade[i] = e.params.grade;
        else out.findings[e.type].push(i);
      }
    }
    return out;
  };
}

async function main() {
  const [mode, file, repeatArg, budgetArg] = process.argv.slice(2);
  const makers = { zen: zenPerMember, 'zen-loop': zenLoop, jre: jsonRulesEngine };
  if (!makers[mode] || !file) {
    console.error('usage: node peers.js zen|zen-loop|jre members.csv [repeat] [budget_s]');
    process.exit(2);
  }
  const repeat = Number(repeatArg || 5);
  const budget = Number(budgetArg || 300);
  let t = process.hrtime.bigint();
  const rows = readMembers(file);
  const loadS = Number(process.hrtime.bigint() - t) / 1e9;
  const run = await makers[mode](rows);
  const evalS = [];
  const cpuS = [];
  let out = null;
  for (let r = 0; r < repeat; r++) {
    const spent = evalS.reduce((a, b) => a + b, 0);
    if (r > 0 && spent + evalS[evalS.length - 1] > budget) break;
    const c = process.cpuUsage();
    t = process.hrtime.bigint();
    out = await run();
    evalS.push(Number(process.hrtime.bigint() - t) / 1e9);
    const used = process.cpuUsage(c);
    cpuS.push((used.user + used.system) / 1e6);
  }
  const pkg = mode === 'jre' ? 'json-rules-engine' : '@gorules/zen-engine';
  console.log(JSON.stringify({
    rows: rows.length, load_s: loadS, eval_s: evalS, cpu_s: cpuS, counts: counts(out),
    version: `${pkg} ${version(pkg)}, node ${process.version}`,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
