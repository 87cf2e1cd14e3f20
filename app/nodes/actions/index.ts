export { ActionRunner, type ActionRunnerOptions, type ActionRunnerStats } from './action-runner.ts';
export {
  allowListedFetch,
  checkFetchUrl,
  compileAllowList,
  FetchNotAllowedError,
  type AllowList,
  type AllowListedFetchOptions,
} from './fetch-allow-list.ts';
export { DEFAULT_ACTION_LIMITS, type ActionLimits } from './limits.ts';
export { ActionLimitError } from './run-session.ts';
export { ActionInputError } from './validate.ts';
export type {
  ActionAuth,
  ActionAuthMethodContext,
  ActionBindings,
  ActionError,
  ActionErrorKind,
  ActionExecution,
  ActionFetchRequest,
  ActionFetchResponse,
  ActionResult,
  ActionSignRequest,
  DecryptAndCombineArgs,
  PermittedAuthMethod,
} from './types.ts';
