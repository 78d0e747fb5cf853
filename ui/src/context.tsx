// React access to the one store, and in-app navigation.

import { createContext, useCallback, useContext, type MouseEvent, type ReactNode } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { navigate, routeUrl, type AppState } from './store/store';

export const StoreContext = createContext<StoreApi<AppState> | null>(null);

export function pushUrl(url: string): void {
  history.pushState(null, '', url);
}

export function useStoreApi(): StoreApi<AppState> {
  const store = useContext(StoreContext);
  if (!store) throw new Error('StoreContext is missing');
  return store;
}

export function useAppState<T>(selector: (s: AppState) => T): T {
  return useStore(useStoreApi(), selector);
}

export function useNavigate(): (to: string) => void {
  const store = useStoreApi();
  return useCallback((to: string) => navigate(store, to, pushUrl), [store]);
}

/** A link that navigates in-app (and still works with middle-click / open in new tab). */
export function Link(props: { to: string; children: ReactNode; className?: string; 'aria-label'?: string; 'aria-current'?: 'page' }) {
  const nav = useNavigate();
  const instancePort = useAppState((s) => s.instancePort);
  const copy = useAppState((s) => s.copy);
  const [path = '/', query = ''] = props.to.split('?');
  const href = routeUrl(path, query, instancePort, copy);
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    nav(props.to);
  };
  return (
    <a href={href} onClick={onClick} className={props.className} aria-label={props['aria-label']} aria-current={props['aria-current']}>
      {props.children}
    </a>
  );
}
