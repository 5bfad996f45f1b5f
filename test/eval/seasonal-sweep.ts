import { fitAndScore } from '../../main/core/ml/anomaly/fit-and-score';
import { fitStatisticalDetector } from '../../main/core/ml/anomaly/statistical';
import { allCases, type EvalCase } from './datasets';
import { addCounts, metricsOf, rowCounts, type RowCounts } from './metrics';
import { corpusScore, scoreAnomalyColumn, type NabFileScore } from './nab-scorer';

// The statistical detector with and without its daily and weekly profiles
// (seasonal.ts) over every evaluation case, group by group, and the NAB
// score of the tuning groups (all but realKnownCause) on which its design
// was chosen. Run: npx tsx test/eval/seasonal-sweep.ts

interface Side {
  nab: NabFileScore[];
  counts: RowCounts[];
}

async function run(c: EvalCase, seasonal: boolean): Promise<{ counts: RowCounts; nab?: NabFileScore }> {
  const r = await fitAndScore(c.train, c.data, { window: c.window, statistical: true, seasonal });
  return { counts: rowCounts(r.scores.alarm, c.labels, c.scored), ...(c.nabWindows ? { nab: scoreAnomalyColumn(r.scores.alarm, c.nabWindows) } : {}) };
}

function show(m: Side): string {
  const x = metricsOf(addCounts(m.counts));
  return `${m.nab.length ? `NAB ${corpusScore(m.nab).toFixed(1)} ` : ''}F1 ${x.f1.toFixed(3)} FAR ${(100 * x.far).toFixed(1)}%`;
}

async function main(): Promise<void> {
  const groups = new Map<string, { on: Side; off: Side; profiled: string[] }>();
  for (const c of allCases()) {
    const g = groups.get(c.set) ?? { on: { nab: [], counts: [] }, off: { nab: [], counts: [] }, profiled: [] };
    groups.set(c.set, g);
    const p = fitStatisticalDetector(c.train, { window: c.window }).seasonal;
    if (p) g.profiled.push(`${c.name} (${p.bins === 24 ? 'day' : 'week'}, ${p.explained.map((e) => e.toFixed(2)).join('/')})`);
    for (const mode of ['on', 'off'] as const) {
      const r = await run(c, mode === 'on');
      g[mode].counts.push(r.counts);
      if (r.nab) g[mode].nab.push(r.nab);
    }
  }
  const tuning: { on: NabFileScore[]; off: NabFileScore[] } = { on: [], off: [] };
  for (const [set, g] of groups) {
    if (set.startsWith('nab/') && set !== 'nab/realKnownCause') {
      tuning.on.push(...g.on.nab);
      tuning.off.push(...g.off.nab);
    }
    process.stdout.write(`${set}: with profiles ${show(g.on)} | without ${show(g.off)} | ${g.profiled.length} profiled: ${g.profiled.join(', ')}\n`);
  }
  process.stdout.write(`NAB tuning groups (${tuning.on.length} files): with profiles ${corpusScore(tuning.on).toFixed(1)} | without ${corpusScore(tuning.off).toFixed(1)}\n`);
}

void main();
