// UFFDIO_API (userfaultfd_api): the handshake. It reports every feature the kernel has and enables
// only the requested ones; on EINVAL or EPERM it zeroes the caller's struct. The validation order
// and what a second call does changed over the releases (reference/kernel-semantics.md 1.2, 3.2).

import {
  UFFD_API,
  UFFD_API_IOCTLS,
  UFFD_FEATURE_EVENT_FORK,
  UFFD_FEATURE_WP_ASYNC,
  UFFD_FEATURE_WP_UNPOPULATED,
} from '../../uapi/userfaultfd';
import { STRUCTS } from '../../uapi/structs';
import { E, type Kernel } from '../kernel';
import { structFields, type UserStruct } from './user-struct';
import type { UserfaultfdCtx } from './userfaultfd-ctx';

const uffdioApi = structFields(STRUCTS.uffdio_api, ['api', 'features']);

export function userfaultfdApi(k: Kernel, ctx: UserfaultfdCtx, arg: UserStruct): number {
  const p = k.profile;
  // Before 5.15 the state machine refused a second call first, leaving the struct as it was.
  if (p.apiStateMachine && ctx.initialized) return -E.EINVAL;
  const api = arg.copyFromUser();
  if (!api) return -E.EFAULT;
  const errOut = (err: number): number => (arg.copyToUser({}) ? err : -E.EFAULT);
  const apiValue = BigInt(api.u64(uffdioApi.api));
  let features = BigInt(api.u64(uffdioApi.features));
  const eperm = (): boolean =>
    p.eventForkNeedsPtrace && (features & UFFD_FEATURE_EVENT_FORK) !== 0n && !k.capSysPtrace;

  if (p.apiIgnoresUnknown) {
    // 6.0–6.3: unknown features were dropped and the api value went unchecked.
    features &= p.apiFeatures;
    if (eperm()) return errOut(-E.EPERM);
  } else if (p.apiEpermFirst) {
    if (apiValue !== UFFD_API) return errOut(-E.EINVAL);
    if (eperm()) return errOut(-E.EPERM);
    if (features & UFFD_FEATURE_WP_ASYNC) features |= UFFD_FEATURE_WP_UNPOPULATED;
    if (features & ~p.apiFeatures) return errOut(-E.EINVAL);
  } else {
    // Before 4.11 apiFeatures is 0: features had to be zero.
    if (apiValue !== UFFD_API || features & ~p.apiFeatures) return errOut(-E.EINVAL);
    if (eperm()) return errOut(-E.EPERM);
    if (features & UFFD_FEATURE_WP_ASYNC) features |= UFFD_FEATURE_WP_UNPOPULATED;
  }

  if (!arg.copyToUser({ api: apiValue, features: p.apiFeatures, ioctls: UFFD_API_IOCTLS })) {
    return -E.EFAULT;
  }
  // cmpxchg(&ctx->features, 0, ...): a second call fails now, zeroing what was just written.
  if (ctx.initialized) return errOut(-E.EINVAL);
  ctx.features = features;
  ctx.initialized = true;
  return 0;
}
