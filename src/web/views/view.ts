// What every screen is given, and what it gives back.

import type { LiveBank } from "../live.js";
import type { Route, Screen } from "../router.js";

export interface ViewContext {
  /** Where the screen draws itself; empty when it starts. */
  readonly main: HTMLElement;
  readonly route: Route;
  readonly live: LiveBank;
  /** The account a holder's token is for; null for an API key or an open server. */
  readonly holder: string | null;
  /** Aborted when the person leaves the screen: pending requests stop with it. */
  readonly signal: AbortSignal;
  /** Says `text` through the page's polite live region. */
  readonly announce: (text: string) => void;
  /** The screen's content is in: marks the time (performance mark `dashboard:<what>`). */
  readonly ready: (what?: string) => void;
  /** Sets the heading and the document's title; the heading takes focus after a navigation. */
  readonly heading: (text: string) => HTMLHeadingElement;
  /** Shows why the screen could not be drawn (a 401 is handled by the page: it asks to sign in). */
  readonly fail: (error: unknown) => void;
  /** Resolves once the bank's totals are read and the event stream is started. */
  readonly whenLive: () => Promise<void>;
}

export interface View {
  /** Another route of the same screen: true if the view followed it without being drawn anew. */
  update?(route: Route): boolean;
  dispose?(): void;
}

export type ViewFactory = (context: ViewContext) => View;

export type Views = Readonly<Record<Screen, ViewFactory>>;
