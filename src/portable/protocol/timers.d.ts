// Portable code is compiled without DOM or Node types, but every runtime it runs in (the page, Node,
// workers) has these two. The agent client needs them for its timeouts.

declare function setTimeout(handler: () => void, ms: number): unknown;
declare function clearTimeout(handle: unknown): void;
