/**
 * The gallery's frame (Storybook's manager UI): the lifeline theme and brand,
 * and a tab title that names lifeline rather than Storybook.
 */
import { addons } from 'storybook/manager-api'
import { create } from 'storybook/theming'

const BRAND = '#0e7490'
const WELCOME = 'welcome--welcome'

/** The brand mark: a heartbeat trace and the name, drawn inline so the gallery needs no static files. */
const logo = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="32" viewBox="0 0 160 32">
<path d="M2 18h9l4-10 6 18 5-13 3 5h7" fill="none" stroke="${BRAND}" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/>
<text x="44" y="23" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="20" font-weight="700" fill="#0f172a">lifeline</text>
</svg>`

addons.setConfig({
  theme: create({
    base: 'light',
    brandTitle: 'lifeline',
    brandUrl: './',
    brandTarget: '_self',
    brandImage: `data:image/svg+xml,${encodeURIComponent(logo)}`,
    colorPrimary: BRAND,
    colorSecondary: BRAND,
    appBg: '#f6f8fb',
    appContentBg: '#ffffff',
    appBorderColor: '#dbe1ea',
    appBorderRadius: 6,
    textColor: '#0f172a',
    textMutedColor: '#475569',
    barSelectedColor: BRAND,
    fontBase: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    fontCode: 'ui-monospace, "SFMono-Regular", Menlo, monospace',
  }),
  sidebar: { showRoots: true },
  // Enough of the demo above the Controls panel to see its toolbar and its app at once.
  bottomPanelHeight: 260,
  // The welcome page is a page to read: no addon panel and no canvas toolbar under and over it.
  layoutCustomisations: {
    showPanel: (state, shown) => (state.storyId === WELCOME ? false : shown),
    showToolbar: (state, shown) => (state.storyId === WELCOME ? false : shown),
  },
})

// Storybook hard-codes "⋅ Storybook" into the tab title; this gallery is lifeline's.
const retitle = () => {
  const title = document.title.replace(/\s*⋅\s*Storybook$/, ' ⋅ lifeline').replace(/^Storybook$/, 'lifeline')
  if (title !== document.title) document.title = title
}
retitle()
new MutationObserver(retitle).observe(document.head, { subtree: true, childList: true, characterData: true })
