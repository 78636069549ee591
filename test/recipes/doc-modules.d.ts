// The doc blocks the recipe tests import (test/recipes/doc-blocks.ts), typed as the page defines them.
declare module 'doc:docs/frameworks.md/solid-lifeline.ts' {
  import type { Accessor } from 'solid-js'
  import type { Readable } from 'lifeline-ws/store'
  export function useStore<T>(store: Readable<T>): Accessor<T>
}
declare module 'doc:docs/frameworks.md/angular-lifeline.ts' {
  import type { Signal } from '@angular/core'
  import type { Readable } from 'lifeline-ws/store'
  export function storeSignal<T>(store: Readable<T>): Signal<T>
}
