// The engine the page runs on by default: the simulated kernel, as the chosen release.

import { createSimulator } from '../../portable/kernel';
import type { EngineFactory } from './engine';

export const createEngine: EngineFactory = (kernel) => createSimulator({ kernel });
