// The engine the page runs on. Until the simulated kernel lands this is a stand-in that records
// operations and answers with an empty state.

import type { EngineFactory } from './engine';
import { FakeEngine } from './fake-engine';

export const createEngine: EngineFactory = (kernel) => new FakeEngine(kernel);
