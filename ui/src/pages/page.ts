/** A page draws itself into <main> and may return what to stop when the user leaves (streams). */
export type Page = (main: HTMLElement, params: string[], search: URLSearchParams) => Promise<(() => void) | void>;

/** Each page's heading is its landmark title; focus moves there so keyboard and screen-reader users land on it. */
export function title(main: HTMLElement, text: string): HTMLHeadingElement {
  document.title = `${text} · SRE agent`;
  const heading = document.createElement('h1');
  heading.textContent = text;
  heading.tabIndex = -1;
  main.append(heading);
  return heading;
}
