// The narration for the current step: the scenario's words, or a sentence made from the result.

import { useSession } from '../state/context';
import { narrate } from '../session/narrate';
import { currentResult, previousResult } from '../session/timeline';

export function Narration() {
  const cursor = useSession((s) => s.cursor);
  const entries = useSession((s) => s.entries);
  const results = useSession((s) => s.results);
  const initial = useSession((s) => s.initial);
  const rejected = useSession((s) => s.rejected);
  const scenario = useSession((s) => s.scenario);
  const result = currentResult({ results, cursor });
  const prev = previousResult({ results, cursor })?.snapshot ?? initial;
  let text: string;
  if (rejected) text = narrate(rejected, result?.snapshot ?? initial);
  else if (cursor === 0) {
    text = scenario
      ? `${scenario.title}: ${entries.length} steps. Press step to begin.`
      : 'Map an area, create a userfaultfd, do the UFFDIO_API handshake, register the area, and let a thread touch a page.';
  } else {
    const say = entries[cursor - 1]?.say;
    text = say ?? (result ? narrate(result, prev) : '');
  }
  return (
    <p className="narration" aria-live="polite" data-testid="narration">
      {cursor > 0 && !rejected && <span className="narration-step">{cursor}</span>}
      {text}
    </p>
  );
}
