/**
 * Every story gets a fresh start: the previous render's clients, timers and
 * listeners are torn down before the next render (story switch or args change)
 * and when Storybook tears the story down. See stories/lib/story.ts.
 */
import type { Preview } from '@storybook/html-vite'
import { cleanup, storyScope } from '../stories/lib/story'
import '../stories/lib/gallery.css'

const preview: Preview = {
  decorators: [(story) => {
    cleanup()
    return story()
  }],
  beforeEach: storyScope,
  parameters: {
    layout: 'fullscreen',
    controls: { expanded: true },
    // The sidebar reads as a product tour: the welcome page, then the demos from the simplest app to the lab.
    options: {
      storySort: { order: ['Welcome', 'Demos', ['Chat', 'Dashboard', 'Cursors', 'RPC playground', 'Connection lab', 'Sharing']] },
    },
  },
}

export default preview
