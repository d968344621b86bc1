// The card that follows the pointer over the grid: everything about the page under it.

import type { PageInfo } from './page-info';

export function PageCard({ info, x, y }: { info: PageInfo; x: number; y: number }) {
  const left = Math.min(x + 16, window.innerWidth - 320);
  const top = Math.min(y + 16, window.innerHeight - 180);
  return (
    <div className="page-card" style={{ left, top }} role="tooltip" data-testid="grid.tooltip">
      <div>
        <strong className="mono">{info.relative}</strong>{' '}
        <span className="mono dim">0x{info.address.toString(16)}</span>
      </div>
      <div>{info.state}</div>
      {info.content !== undefined && (
        <div>
          content <code>{info.content}</code>
        </div>
      )}
      <div className={info.registration ? '' : 'dim'}>
        {info.registration ? `registered ${info.registration}` : 'not registered'}
      </div>
      {info.blocked.length > 0 && <div className="error-text">{info.blocked.join(', ')} blocked here</div>}
    </div>
  );
}
