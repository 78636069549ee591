/**
 * Storybook for the example gallery. Stories import lifeline from src/ (not
 * dist/), so the gallery always shows the code as it is now.
 *
 * The demo server (demo/server.mjs) is reached through vite's dev proxy at
 * `/ws` (the socket) and `/control` (the lab's fault switches), so stories use
 * same-origin relative URLs and need no port baked in. `npm start` passes the
 * demo server's port in LIFELINE_DEMO_PORT.
 */
import type { StorybookConfig } from '@storybook/html-vite'
import vue from '@vitejs/plugin-vue'
import { svelte } from '@sveltejs/vite-plugin-svelte'

const demo = process.env.LIFELINE_DEMO_PORT

const config: StorybookConfig = {
  framework: '@storybook/html-vite',
  stories: ['../stories/**/*.stories.ts'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  // Storybook's own "Get started" onboarding checklist (sidebar widget and menu page) is for people writing stories, not reading this gallery.
  features: { sidebarOnboardingChecklist: false, menuOnboardingChecklist: false },
  viteFinal(vite) {
    // Storybook's own preview runtime is one large chunk; that is expected, not a problem to report.
    vite.build = { ...vite.build, chunkSizeWarningLimit: 2048 }
    // The Vue and Svelte stories' components are single-file components, compiled as an app's would be.
    vite.plugins = [...(vite.plugins ?? []), vue(), svelte()]
    if (!demo) return vite
    const target = `http://127.0.0.1:${demo}`
    // Storybook runs vite in middleware mode on its own http server (passed as
    // hmr.server). Naming that server as the parent lets vite's proxy see
    // WebSocket upgrades; with plain `middlewareMode: true` only HTTP is proxied.
    const hmr = vite.server?.hmr
    const parent = typeof hmr === 'object' ? hmr.server : undefined
    vite.server = {
      ...vite.server,
      ...(parent ? { middlewareMode: { server: parent } } : {}),
      proxy: {
        ...vite.server?.proxy,
        '/ws': { target, ws: true },
        '/control': { target },
      },
    }
    return vite
  },
}

export default config
