// Rendering components in tests (happy-dom), without a testing library: createRoot inside act().

import { act, type ReactElement } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export interface Rendered {
  readonly container: HTMLElement;
  /** Every element with this test id. */
  all(testId: string): HTMLElement[];
  get(testId: string): HTMLElement;
  unmount(): void;
}

export async function render(el: ReactElement): Promise<Rendered> {
  const container = document.createElement('div');
  document.body.appendChild(container);
  let root: Root;
  await act(async () => {
    root = createRoot(container);
    root.render(el);
  });
  const all = (id: string) => [...container.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`)];
  return {
    container,
    all,
    get(id) {
      const found = all(id);
      if (found.length !== 1) throw new Error(`expected one ${id}, found ${found.length}`);
      return found[0]!;
    },
    unmount() {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Sets an input's value the way React notices, and fires input. */
export async function type(input: HTMLElement, value: string): Promise<void> {
  await act(async () => {
    const proto = Object.getPrototypeOf(input) as object;
    const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function click(el: HTMLElement): Promise<void> {
  await act(async () => {
    el.click();
  });
}

/** Lets queued promises (the session's queue) run. */
export async function settle(): Promise<void> {
  await act(async () => {
    await new Promise((r) => setTimeout(r, 0));
  });
}
