// An area's header line over the grid: name, kind, size, address, and its registered ranges.

import type { AreaSnapshot, Snapshot } from '../../portable/model/snapshot';
import { registrationText } from '../session/snapshot-diff';
import { HEADER_HEIGHT, type Block, type GridLayout } from './layout';

export function AreaHeader(props: {
  area: AreaSnapshot;
  block: Block;
  layout: GridLayout;
  snapshot: Snapshot;
}) {
  const { area, block, layout, snapshot } = props;
  const regs = snapshot.registrations.filter(
    (r) => r.process === area.process && r.end > area.start && r.start < area.start + area.len,
  );
  const huge = area.pageSize > snapshot.pageSize;
  return (
    <div
      className="area-header"
      style={{ top: block.top, height: HEADER_HEIGHT, paddingLeft: layout.left - 44 }}
      data-testid="grid.area"
      data-area={block.key}
      data-cells-top={block.cellsTop}
      data-cell={block.cell}
      data-cols={block.cols}
      data-left={layout.left}
    >
      <strong className="mono">{area.name}</strong>
      <span className="dim">
        {area.kind}
        {area.shared ? ' shared' : ''} · {area.pages.length} {huge ? 'huge pages' : 'pages'} · 0x
        {area.start.toString(16)}
        {area.process !== 'main' ? ` · process ${area.process}` : ''}
      </span>
      {regs.map((r) => (
        <span key={`${r.start}-${r.uffd}`} className="chip reg-chip" data-testid="grid.registration">
          {registrationText(r, snapshot)}
        </span>
      ))}
    </div>
  );
}
