import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { createPortal, flushSync } from 'react-dom';
import { findToken, type TokenHit } from './tokenRegistry.ts';
import { formatActivation, visibleToken } from './tokens.ts';
import styles from './TokenTooltipLayer.module.css';

interface Tip {
  hit: TokenHit;
  pinned: boolean;
}

/**
 * One tooltip for every token record inside it (TokenRecord, SimulationBars): shows the token
 * (spaces as ·, newlines as ↵, tabs as ⇥) and its values on hover and on keyboard focus; a click
 * or Enter pins it, Escape or a click elsewhere unpins. Arrow keys, Home and End move between the
 * tokens of a record. All listeners sit on this element, none on the tokens.
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
  const pinned = useRef<HTMLElement | null>(null);
  const tooltipId = useId();

  useEffect(() => {
    const element = root.current;
    if (!element) return;

    const unpin = () => {
      pinned.current?.removeAttribute('data-pinned');
      pinned.current = null;
    };
    const pin = (hit: TokenHit) => {
      unpin();
      pinned.current = hit.element;
      hit.element.setAttribute('data-pinned', '');
      setTip({ hit, pinned: true });
    };

    const onPointerOver = (event: PointerEvent) => {
      if (pinned.current) return;
      const hit = findToken(event.target);
      if (hit) setTip({ hit, pinned: false });
    };
    const onPointerOut = (event: PointerEvent) => {
      if (pinned.current || findToken(event.relatedTarget)) return;
      setTip((current) =>
        current && current.hit.element === document.activeElement ? current : null,
      );
    };
    const onFocusIn = (event: FocusEvent) => {
      const hit = findToken(event.target);
      if (!hit) return;
      // Render the tooltip before the screen reader reads the token's description.
      if (!pinned.current) flushSync(() => setTip({ hit, pinned: false }));
      hit.element.setAttribute('aria-describedby', tooltipId);
    };
    const onFocusOut = (event: FocusEvent) => {
      const hit = findToken(event.target);
      if (!hit) return;
      hit.element.removeAttribute('aria-describedby');
      if (!pinned.current && !findToken(event.relatedTarget)) setTip(null);
    };
    const onClick = (event: MouseEvent) => {
      const hit = findToken(event.target);
      if (!hit) {
        if (pinned.current) {
          unpin();
          setTip(null);
        }
        return;
      }
      if (pinned.current === hit.element) {
        unpin();
        setTip({ hit, pinned: false });
      } else pin(hit);
    };
    const onKeyDown = (event: KeyboardEvent) => {
      const hit = findToken(event.target);
      if (!hit || event.altKey || event.ctrlKey || event.metaKey) return;
      const tokens = hit.record.querySelectorAll<HTMLElement>('[data-i]');
      let next: number | null = null;
      switch (event.key) {
        case 'ArrowRight':
          next = Math.min(hit.index + 1, tokens.length - 1);
          break;
        case 'ArrowLeft':
          next = Math.max(hit.index - 1, 0);
          break;
        case 'Home':
          next = 0;
          break;
        case 'End':
          next = tokens.length - 1;
          break;
        case 'Enter':
        case ' ':
          event.preventDefault();
          if (pinned.current === hit.element) {
            unpin();
            setTip({ hit, pinned: false });
          } else pin(hit);
          return;
        case 'Escape':
          unpin();
          setTip(null);
          return;
        default:
          return;
      }
      event.preventDefault();
      const target = tokens[next];
      if (!target || target === hit.element) return;
      // Roving tabindex: the token that has focus is the record's one tab stop.
      hit.element.removeAttribute('tabindex');
      target.tabIndex = 0;
      if (pinned.current) unpin();
      target.focus();
    };
    const onDocumentKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && pinned.current) {
        unpin();
        setTip(null);
      }
    };
    const onDocumentClick = (event: MouseEvent) => {
      if (pinned.current && !element.contains(event.target as Node)) {
        unpin();
        setTip(null);
      }
    };

    element.addEventListener('pointerover', onPointerOver);
    element.addEventListener('pointerout', onPointerOut);
    element.addEventListener('focusin', onFocusIn);
    element.addEventListener('focusout', onFocusOut);
    element.addEventListener('click', onClick);
    element.addEventListener('keydown', onKeyDown);
    document.addEventListener('keydown', onDocumentKeyDown);
    document.addEventListener('click', onDocumentClick);
    return () => {
      element.removeEventListener('pointerover', onPointerOver);
      element.removeEventListener('pointerout', onPointerOut);
      element.removeEventListener('focusin', onFocusIn);
      element.removeEventListener('focusout', onFocusOut);
      element.removeEventListener('click', onClick);
      element.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('keydown', onDocumentKeyDown);
      document.removeEventListener('click', onDocumentClick);
      unpin();
    };
  }, [tooltipId]);

  // A token that unmounts (e.g. on navigation) takes its tooltip with it.
  const visible = tip && tip.hit.element.isConnected ? tip : null;

  return (
    <div ref={root} className={className}>
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
