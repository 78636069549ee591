/**
 * A tiny element builder so the stories read like markup without a framework.
 * @internal
 */
type Props = { [key: string]: string | number | boolean | EventListener | undefined }
type Child = Node | string | number | null | undefined | false

/**
 * Creates an element: `on*` props become listeners, `class`/`for`/`data-*`/`aria-*`
 * become attributes, anything else is set as a property.
 * @example
 * h('button', { onclick: () => go(), class: 'primary' }, 'Go')
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value)
    else if (key === 'class' || key === 'for' || key.includes('-')) el.setAttribute(key, String(value))
    else (el as unknown as Record<string, unknown>)[key] = value
  }
  el.append(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)))
  return el
}

/**
 * Appends a line to a log list, newest first, keeping at most `max` lines.
 * A log that can scroll should be focusable (`tabIndex: 0`), so a keyboard can scroll it too.
 */
export function logLine(list: HTMLElement, text: string, kind = '', max = 200): void {
  const time = new Date().toLocaleTimeString(undefined, { hour12: false })
  list.prepend(h('li', { class: kind }, h('time', {}, time), ' ', text))
  while (list.childElementCount > max) list.lastElementChild?.remove()
}
