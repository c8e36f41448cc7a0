import type { MouseEvent } from 'react';
import { useLocation } from 'react-router';
import { Skeleton } from '../shell/Skeleton.tsx';
import { SECTION_LINKS, SECTIONS, sectionElementId, type SectionId } from './sections.ts';
import styles from './NeuronPage.module.css';

/**
 * Scrolls to a section (below the app's header where that stays on screen) and moves focus to its
 * heading, so that keyboard and screen reader follow.
 */
export function goToSection(id: SectionId): void {
  const section = document.getElementById(sectionElementId(id));
  if (!section) return;
  const header = document.querySelector('[data-app-header]');
  const covered =
    header && getComputedStyle(header).position === 'sticky'
      ? header.getBoundingClientRect().height
      : 0;
  window.scrollTo({ top: section.getBoundingClientRect().top + window.scrollY - covered - 12 });
  const heading = section.querySelector<HTMLElement>('h2');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}

/**
 * "On this page": a link to every section. The app's routes live in the URL's hash, so a plain
 * `#section` link would be taken for a route: each link points at the page itself and scrolls.
 */
export function SectionLinks() {
  const location = useLocation();
  const here = `#${location.pathname}${location.search}`;
  const go = (id: SectionId) => (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    goToSection(id);
  };
  return (
    <nav aria-label="On this page" className="section-links">
      <span className={styles.sectionLinksLabel}>On this page:</span>
      <ul className={styles.sectionLinks}>
        {(Object.keys(SECTION_LINKS) as SectionId[]).map((id) => (
          <li key={id}>
            <a href={here} onClick={go(id)}>
              {SECTION_LINKS[id]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** How much room each section takes before it renders (so nothing below it moves). */
const PLACEHOLDER_HEIGHTS: Record<SectionId, string> = {
  top: '24rem',
  explanations: '12rem',
  test: '25rem',
  samples: '30rem',
  yourText: '14rem',
  check: '12rem',
  statistics: '18rem',
  related: '10rem',
};

/**
 * A section before it renders (just after the first paint): its heading and its room, so that
 * the links to it work and nothing moves when it fills in.
 */
export function SectionPlaceholder({ id }: { id: SectionId }) {
  return (
    <section
      id={sectionElementId(id)}
      aria-labelledby={`${id}-heading`}
      aria-busy="true"
      className={`neuron-section ${styles.pending}`}
    >
      <h2 id={`${id}-heading`} tabIndex={-1}>
        {SECTIONS[id]}
      </h2>
      <Skeleton height={PLACEHOLDER_HEIGHTS[id]} />
    </section>
  );
}
