import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { findToken as findAnyToken, type TokenHit } from './tokenRegistry.ts';
import { formatActivation, visibleToken } from './tokens.ts';
import styles from './TokenTooltipLayer.module.css';

interface Tip {
  hit: TokenHit;
  pinned: boolean;
}

type ShowTip = (tip: Tip | null | ((current: Tip | null) => Tip | null)) => void;

/** Marks a layer's element, so that a layer inside another (Your text on a neuron page) owns its tokens. */
const LAYER_ATTRIBUTE = 'data-token-layer';

/** The token an arrow key, Home or End moves to from `hit` (its index), or null for other keys. */
function movedTo(key: string, hit: TokenHit, count: number): number | null {
  switch (key) {
    case 'ArrowRight':
      return Math.min(hit.index + 1, count - 1);
    case 'ArrowLeft':
      return Math.max(hit.index - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * The layer's event handlers, one per event, sharing what is pinned. `show` sets the tooltip;
 * `describedBy` is the tooltip's id, which a focused token points at.
 */
function tooltipHandlers(layer: HTMLElement, describedBy: string, show: ShowTip) {
  let pinned: HTMLElement | null = null;
  /** A token of this layer: one inside a layer nested in this one is that layer's to show. */
  const findToken = (target: EventTarget | null) => {
    const hit = findAnyToken(target);
    return hit && hit.record.closest(`[${LAYER_ATTRIBUTE}]`) === layer ? hit : null;
  };

  const unpin = () => {
    pinned?.removeAttribute('data-pinned');
    pinned = null;
  };
  const close = () => {
    unpin();
    show(null);
  };
  const pin = (hit: TokenHit) => {
    unpin();
    pinned = hit.element;
    hit.element.setAttribute('data-pinned', '');
    show({ hit, pinned: true });
  };
  /** A click or Enter on a token: pins it, or unpins it when it is the pinned one. */
  const togglePin = (hit: TokenHit) => {
    if (pinned === hit.element) {
      unpin();
      show({ hit, pinned: false });
    } else pin(hit);
  };

  return {
    unpin,
    onPointerOver(event: PointerEvent) {
      if (pinned) return;
      const hit = findToken(event.target);
      if (hit) show({ hit, pinned: false });
    },
    onPointerOut(event: PointerEvent) {
      if (pinned || findToken(event.relatedTarget)) return;
      // A token that also has keyboard focus keeps its tooltip.
      show((current) =>
        current && current.hit.element === document.activeElement ? current : null,
      );
    },
    onFocusIn(event: FocusEvent) {
      const hit = findToken(event.target);
      if (!hit) return;
      // Render the tooltip before the screen reader reads the token's description.
      if (!pinned) flushSync(() => show({ hit, pinned: false }));
      hit.element.setAttribute('aria-describedby', describedBy);
    },
    onFocusOut(event: FocusEvent) {
      const hit = findToken(event.target);
      if (!hit) return;
      hit.element.removeAttribute('aria-describedby');
      if (!pinned && !findToken(event.relatedTarget)) show(null);
    },
    onClick(event: MouseEvent) {
      const hit = findToken(event.target);
      if (hit) togglePin(hit);
      else if (pinned) close();
    },
    onKeyDown(event: KeyboardEvent) {
      const hit = findToken(event.target);
      if (!hit || event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        togglePin(hit);
        return;
      }
      if (event.key === 'Escape') {
        close();
        return;
      }
      const tokens = hit.record.querySelectorAll<HTMLElement>('[data-i]');
      const next = movedTo(event.key, hit, tokens.length);
      if (next === null) return;
      event.preventDefault();
      const target = tokens[next];
      if (!target || target === hit.element) return;
      // Roving tabindex: the token that has focus is the record's one tab stop.
      hit.element.removeAttribute('tabindex');
      target.tabIndex = 0;
      if (pinned) unpin();
      target.focus();
    },
    onDocumentKeyDown(event: KeyboardEvent) {
      if (event.key === 'Escape' && pinned) close();
    },
    onDocumentClick(event: MouseEvent) {
      if (pinned && !layer.contains(event.target as Node)) close();
    },
  };
}

/**
 * One tooltip for every token record inside it (TokenRecord, SimulationBars): shows the token
 * (spaces as ·, newlines as ↵, tabs as ⇥) and its values on hover and on keyboard focus; a click
 * or Enter pins it, Escape or a click elsewhere unpins. Arrow keys, Home and End move between the
 * tokens of a record. All listeners sit on this element (and two on the document), none on the
 * tokens, and one abort signal removes them all. Layers may nest: a token is shown by the
 * innermost layer around it, once.
 */
export function TokenTooltipLayer({
  children,
  className,
}: {
  children: ReactNode;
  /** For laying out the children (the layer is a plain div). */
  className?: string;
}) {
  const root = useRef<HTMLDivElement>(null);
  const [tip, setTip] = useState<Tip | null>(null);
  const tooltipId = useId();

  useEffect(() => {
    const element = root.current;
    if (!element) return;
    const handlers = tooltipHandlers(element, tooltipId, setTip);
    const listening = new AbortController();
    const { signal } = listening;
    element.addEventListener('pointerover', handlers.onPointerOver, { signal });
    element.addEventListener('pointerout', handlers.onPointerOut, { signal });
    element.addEventListener('focusin', handlers.onFocusIn, { signal });
    element.addEventListener('focusout', handlers.onFocusOut, { signal });
    element.addEventListener('click', handlers.onClick, { signal });
    element.addEventListener('keydown', handlers.onKeyDown, { signal });
    document.addEventListener('keydown', handlers.onDocumentKeyDown, { signal });
    document.addEventListener('click', handlers.onDocumentClick, { signal });
    return () => {
      listening.abort();
      handlers.unpin();
    };
  }, [tooltipId]);

  // A token that unmounts (e.g. on navigation) takes its tooltip with it.
  const visible = tip && tip.hit.element.isConnected ? tip : null;

  return (
    <div ref={root} className={className} {...{ [LAYER_ATTRIBUTE]: '' }}>
      {children}
      {createPortal(<TokenTooltip id={tooltipId} tip={visible} />, document.body)}
    </div>
  );
}

/** The tooltip box, kept in the DOM (empty and hidden when there is no token) for aria-describedby. */
function TokenTooltip({ id, tip }: { id: string; tip: Tip | null }) {
  const box = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = box.current;
    if (!element || !tip) return;
    const place = () => {
      const anchor = tip.hit.element.getBoundingClientRect();
      const width = element.offsetWidth;
      const height = element.offsetHeight;
      const viewport = document.documentElement.clientWidth;
      const left = Math.max(4, Math.min(anchor.left, viewport - width - 4));
      const below = anchor.bottom + 6;
      const top =
        below + height > window.innerHeight && anchor.top > height + 6
          ? anchor.top - height - 6
          : below;
      element.style.left = `${left + window.scrollX}px`;
      element.style.top = `${top + window.scrollY}px`;
    };
    place();
    window.addEventListener('resize', place);
    return () => window.removeEventListener('resize', place);
  }, [tip]);

  return (
    <div ref={box} id={id} role="tooltip" className={styles.tooltip} hidden={!tip}>
      {tip && (
        <>
          <code className={styles.token}>{visibleToken(tip.hit.token)}</code>
          <dl className={styles.values}>
            {tip.hit.values.map(({ label, value }) => (
              <div key={label}>
                <dt>{label}</dt>
                <dd>{formatActivation(value)}</dd>
              </div>
            ))}
          </dl>
          {tip.pinned && <p className={styles.hint}>Pinned: Esc or click elsewhere to close</p>}
        </>
      )}
    </div>
  );
}
