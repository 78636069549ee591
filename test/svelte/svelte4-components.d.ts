// What TypeScript sees of a component the Svelte 4 test compiles (test/svelte/svelte4.ts): Svelte
// 4's class API. Written out rather than imported, since svelte@4's types declare the module
// 'svelte' again, beside Svelte 5's.
declare module '*.svelte4' {
  const component: new (options: { target: Element; props?: Record<string, unknown> }) => {
    $set(props: Record<string, unknown>): void
    $destroy(): void
  }
  export default component
}
