// The gallery's demos, as `npm start`'s banner names them: the titles of the stories under
// "Demos/" in stories/, read from the files, so a new story is named without editing the banner.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const stories = fileURLToPath(new URL('../stories/', import.meta.url))

/** The demo titles in the gallery's order (Storybook sorts stories by file name here). */
export function demoTitles() {
  return readdirSync(stories).filter((name) => name.endsWith('.stories.ts')).sort()
    .map((name) => /title: '(?:Demos\/)([^']+)'/.exec(readFileSync(stories + name, 'utf8'))?.[1])
    .filter((title) => title !== undefined)
}

/** "A, B and C". */
export const listed = (titles) => (titles.length < 2 ? titles.join('') : `${titles.slice(0, -1).join(', ')} and ${titles.at(-1)}`)
