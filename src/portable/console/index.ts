// The console's command language: text ↔ Operation, help and completion. Portable: the page's
// terminal and any tool can use it.

export { ConsoleError } from './syntax';
export { parseLine, commandNames, META_COMMANDS, type ParsedLine, type MetaCommand } from './line';
export { parseCall, type Spans } from './parse-call';
export { printOperation } from './print';
export { helpLines } from './help';
export { complete, commonPrefix, type Completion } from './complete';
export { SHORT_FORMS, type ShortContext } from './short';
export { describeResult, describeMsg, formatField, callName, type Line, type Tone } from './describe';
export { relativeAddress, relativeLength, areaOf } from './address';
