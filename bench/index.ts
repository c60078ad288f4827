// `npm run bench` prints a table; `npm run bench -- --json` prints ONE JSON object with every key.
import { sections } from './sections';

const json = process.argv.includes('--json');
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const runs = Math.max(5, Number(runsArg?.split('=')[1] ?? 5));

const results: Record<string, number | string> = {};
for (const section of sections) {
  const values = await section.run({ runs });
  for (const [key, value] of Object.entries(values)) {
    if (key in results && results[key] !== value) throw new Error(`bench key "${key}" is reported twice`);
    results[key] = value;
  }
  if (!json) {
    console.log(`\n${section.name}`);
    console.table(Object.entries(values).map(([key, value]) => ({ key, value })));
  }
}
if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
