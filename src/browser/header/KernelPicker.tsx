// The kernel profile: the simulator answers as this release did. What it lacks is greyed out
// everywhere, with the release that added it.

import { NOTABLE_KERNELS } from '../../portable/uapi/history';
import { useActions, useSession } from '../state/context';

export function KernelPicker({ extra, disabled }: { extra?: string; disabled?: boolean }) {
  const kernel = useSession((s) => s.kernel);
  const actions = useActions();
  const versions = NOTABLE_KERNELS.map((k) => k.version as string);
  const options = [...new Set([...versions, ...(extra ? [extra] : []), kernel])];
  const what = NOTABLE_KERNELS.find((k) => k.version === kernel)?.what;
  return (
    <label className="kernel-picker" title={what}>
      <span>kernel</span>
      <select
        value={kernel}
        disabled={disabled}
        onChange={(e) => void actions.setKernel(e.target.value)}
        data-testid="header.kernel"
      >
        {options.map((v) => {
          const k = NOTABLE_KERNELS.find((n) => n.version === v);
          return (
            <option key={v} value={v}>
              {v}
              {k
                ? ` — ${k.what.length > 60 ? `${k.what.slice(0, 57)}…` : k.what}`
                : v === extra
                  ? ' — the agent’s kernel'
                  : ''}
            </option>
          );
        })}
      </select>
    </label>
  );
}
