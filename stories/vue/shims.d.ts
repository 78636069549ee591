// What TypeScript sees of a .vue file imported from a .ts story (the Vue plugin compiles it).
declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent
  export default component
}
