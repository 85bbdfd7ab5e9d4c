// Building the page: elements from a tag, attributes and children. Text is always set as text,
// never parsed as HTML, so names and descriptions from the server cannot inject markup.

type Attribute = string | number | boolean | null | undefined | ((event: Event) => void);
export type Child = Node | string | number | null | undefined | false;

function apply(element: Element, attributes: Record<string, Attribute>, children: Child[]): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "function") element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === "number" ? String(child) : child);
  }
}

/**
 * An HTML element. Attributes named `on...` with a function are listeners; `true` is a bare
 * attribute; false, null and undefined are left out.
 *
 * @example h("a", { href: "#/accounts", class: "button" }, "All accounts")
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  apply(element, attributes, children);
  return element;
}

const SVG_NAMESPACE = "http://www.w3.org/2000/svg";

/** An SVG element, as `h` makes HTML ones. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NAMESPACE, tag);
  apply(element, attributes, children);
  return element;
}

/** The element with this id, which the page's HTML is known to have. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`The page has no #${id}`);
  return element as T;
}

/**
 * Gathers what arrives and hands it over once per frame drawn (or every quarter second while the
 * tab is hidden, when no frame is drawn), so that a burst of events costs one update of the page.
 */
export function perFrame<T>(flush: (items: T[]) => void): (items: readonly T[]) => void {
  let pending: T[] = [];
  let scheduled = false;
  const run = () => {
    scheduled = false;
    const items = pending;
    pending = [];
    flush(items);
  };
  return (items) => {
    for (const item of items) pending.push(item);
    if (scheduled) return;
    scheduled = true;
    if (document.hidden) setTimeout(run, 250);
    else requestAnimationFrame(run);
  };
}

// The highlight of style.css's --flash: an animation's keyframes take no custom properties everywhere.
const FLASH_COLOR = "#fff2b3";
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

/** Draws the eye to an element that just changed, unless the person asked for less motion. */
export function flash(element: HTMLElement): void {
  if (reducedMotion.matches || document.hidden) return;
  element.animate([{ backgroundColor: FLASH_COLOR }, { backgroundColor: "transparent" }], { duration: 1200, easing: "ease-out" });
}
