// `npm run bench`: runs every benchmark module in order and prints its figures.
// `npm run bench -- NAME...` runs only the named modules.
import { formatFigure, type BenchModule } from './report';

const MODULES: Record<string, () => Promise<{ default: BenchModule }>> = {
  simulator: () => import('./simulator'),
  kernel: () => import('./kernel'),
  agent: () => import('./agent'),
  scenarios: () => import('./scenarios'),
  ui: () => import('./ui'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !(w in MODULES));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; there are: ${Object.keys(MODULES).join(', ')}`);
    process.exit(2);
  }
  for (const [name, load] of Object.entries(MODULES)) {
    if (wanted.length && !wanted.includes(name)) continue;
    const mod = (await load()).default;
    console.log(`${mod.name}`);
    const why = await mod.unavailable?.();
    if (why) {
      console.log(`  not run: ${why}`);
      continue;
    }
    for (const f of await mod.run()) console.log(formatFigure(f));
  }
}

await main();
