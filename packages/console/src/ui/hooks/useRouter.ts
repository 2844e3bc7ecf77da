import type { TargetConfig } from '@fanout/runtime/config';
import { useCallback, useMemo, useState } from 'react';
import type { DeploymentAction } from './useDeployment.js';

/** A screen of the app, with what it shows. Screens of a source name it by its ARN. */
export type Route =
  | { screen: 'sources' }
  | { screen: 'targets'; sourceArn: string }
  | { screen: 'detail'; sourceArn: string; id: string }
  | { screen: 'log'; sourceArn: string; id: string | undefined; onlyTarget: boolean }
  | { screen: 'wizard'; sourceArn: string; editing?: TargetConfig | undefined }
  | { screen: 'deployment'; action: DeploymentAction }
  | { screen: 'help' };

export interface Router {
  /** The screen shown. */
  route: Route;
  /** The source of the screens open, when one is: its targets are read while they are. */
  sourceArn: string | undefined;
  /** Opens a screen over this one; Esc (back) returns here. */
  open(route: Route): void;
  /** Back to the screen below, or to the first screen below of `screen`. */
  back(screen?: Route['screen']): void;
}

/**
 * The screens as a stack: the sources at the bottom, the one shown on top. Opening a screen calls
 * `onOpen` first (the status line starts afresh there); going back keeps what was said, the outcome
 * of what was done on the screen left.
 */
export function useRouter(onOpen: () => void): Router {
  const [stack, setStack] = useState<readonly Route[]>([{ screen: 'sources' }]);
  const open = useCallback(
    (route: Route) => {
      onOpen();
      setStack((screens) => [...screens, route]);
    },
    [onOpen],
  );
  const back = useCallback(
    (screen?: Route['screen']) => {
      setStack((screens) => {
        const below = screens.slice(0, -1);
        const to = screen === undefined ? below.length - 1 : below.findLastIndex((route) => route.screen === screen);
        return to < 0 ? screens.slice(0, 1) : screens.slice(0, to + 1);
      });
    },
    [],
  );
  return useMemo(() => {
    const route = stack.at(-1)!;
    const withSource = stack.findLast((screen) => 'sourceArn' in screen);
    return { route, sourceArn: withSource && 'sourceArn' in withSource ? withSource.sourceArn : undefined, open, back };
  }, [stack, open, back]);
}
