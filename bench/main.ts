// `npm run bench`: runs each benchmark module in turn and prints its figures. A module is added to
// BENCHES; `npm run bench -- simulator` runs only the named ones.

export interface Bench {
  readonly name: string;
  /** What it measures, one line. */
  readonly what: string;
  run(): Promise<void> | void;
}

const BENCHES: readonly (() => Promise<{ default: Bench }>)[] = [() => import('./simulator')];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  for (const load of BENCHES) {
    const bench = (await load()).default;
    if (only.length && !only.includes(bench.name)) continue;
    console.log(`\n== ${bench.name}: ${bench.what}`);
    await bench.run();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
