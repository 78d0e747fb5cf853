// A virtualised, keyboard-navigable list: only the visible rows are in the
// DOM, so 10,000 logs scroll like 10. Rows may not be loaded yet (the store
// fetches the pages that onRange reports): those render as placeholders.
// Arrow keys / j k move, Home / End jump, Enter opens. With `followEnd` it
// sticks to the newest row unless the user scrolls away. ArrowLeft /
// ArrowRight are handed to onSideways.

import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  count: number;
  /** The row at index i; undefined while its page is being fetched. */
  item(i: number): T | undefined;
  /** The rows [start, end) now rendered (visible plus overscan). */
  onRange?(start: number, end: number): void;
  label: string;
  rowHeight: number;
  getKey(item: T): string;
  renderRow(item: T, index: number): ReactNode;
  onOpen?(item: T, index: number): void;
  /** ArrowLeft / ArrowRight on the active row (e.g. collapse / expand a subtree). */
  onSideways?(item: T, direction: 'left' | 'right'): void;
  /** Key of the row to mark as selected. */
  selectedKey?: string;
  followEnd?: boolean;
  onFollowChange?(following: boolean): void;
  /** Incremented by the parent to jump to the end and follow again. */
  jumpToEnd?: number;
  className?: string;
  empty?: ReactNode;
}

export function VirtualList<T>(p: VirtualListProps<T>) {
  const parentRef = useRef<HTMLDivElement>(null);
  const [active, setActive] = useState(-1);
  const followRef = useRef(p.followEnd ?? false);
  const id = useId();
  const v = useVirtualizer({
    count: p.count,
    getScrollElement: () => parentRef.current,
    estimateSize: () => p.rowHeight,
    overscan: 10,
    getItemKey: (i) => {
      const item = p.item(i);
      return item === undefined ? i : p.getKey(item);
    },
  });
  const virtual = v.getVirtualItems();
  const first = virtual[0]?.index ?? 0;
  const last = (virtual.at(-1)?.index ?? -1) + 1;
  const { onRange } = p;
  useEffect(() => {
    // Before the first layout there are no virtual rows: ask for the first screenful.
    if (last > first) onRange?.(first, last);
    else onRange?.(0, 50);
  }, [first, last, onRange]);

  const { onFollowChange } = p;
  const setFollowing = (f: boolean) => {
    if (followRef.current === f) return;
    followRef.current = f;
    onFollowChange?.(f);
  };

  // New rows: stay at the end while following.
  useLayoutEffect(() => {
    if (p.followEnd && followRef.current && p.count > 0) v.scrollToIndex(p.count - 1, { align: 'end' });
  }, [p.count, p.followEnd, v]);

  useEffect(() => {
    if (!p.jumpToEnd || p.count === 0) return;
    followRef.current = true;
    onFollowChange?.(true);
    v.scrollToIndex(p.count - 1, { align: 'end' });
    // Only on a new jump request.
  }, [p.jumpToEnd]);

  if (active >= p.count && active !== -1) setActive(p.count - 1);

  const move = (to: number) => {
    const n = Math.max(0, Math.min(p.count - 1, to));
    setActive(n);
    v.scrollToIndex(n, { align: 'auto' });
    if (p.followEnd) setFollowing(n === p.count - 1);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (p.count === 0) return;
    const page = Math.max(1, Math.floor((parentRef.current?.clientHeight ?? 400) / p.rowHeight) - 1);
    const cur = active < 0 ? -1 : active;
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(cur + 1),
      j: () => move(cur + 1),
      ArrowUp: () => move(cur < 0 ? 0 : cur - 1),
      k: () => move(cur < 0 ? 0 : cur - 1),
      Home: () => move(0),
      End: () => move(p.count - 1),
      PageDown: () => move(cur + page),
      PageUp: () => move(cur - page),
      ArrowLeft: () => {
        const item = p.item(cur);
        if (item !== undefined) p.onSideways?.(item, 'left');
      },
      ArrowRight: () => {
        const item = p.item(cur);
        if (item !== undefined) p.onSideways?.(item, 'right');
      },
      Enter: () => {
        const item = p.item(cur);
        if (item !== undefined) p.onOpen?.(item, cur);
      },
    };
    const act = keys[e.key];
    if (act && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      act();
    }
  };

  const onScroll = () => {
    const el = parentRef.current;
    if (!el || !p.followEnd) return;
    setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < 8);
  };

  if (p.count === 0 && p.empty) return <div className="empty">{p.empty}</div>;

  return (
    <div
      ref={parentRef}
      className={`vlist ${p.className ?? ''}`}
      role="listbox"
      aria-label={p.label}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onScroll={onScroll}
      onFocus={() => {
        if (active < 0 && p.count > 0) setActive(0);
      }}
      aria-activedescendant={active >= 0 && active < p.count ? `${id}-${active}` : undefined}
    >
      <div style={{ height: v.getTotalSize(), position: 'relative', width: '100%' }}>
        {virtual.map((row) => {
          const item = p.item(row.index);
          const key = item === undefined ? undefined : p.getKey(item);
          return (
            <div
              key={row.key}
              id={`${id}-${row.index}`}
              role="option"
              aria-selected={key !== undefined && key === p.selectedKey}
              aria-busy={item === undefined || undefined}
              data-index={row.index}
              className={`vrow${row.index === active ? ' active' : ''}${key !== undefined && key === p.selectedKey ? ' selected' : ''}`}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${row.start}px)`,
                height: p.rowHeight,
              }}
              onClick={() => {
                setActive(row.index);
                if (item !== undefined) p.onOpen?.(item, row.index);
              }}
            >
              {item === undefined ? <div className="row-content row-loading muted">Loading…</div> : p.renderRow(item, row.index)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
