/**
 * A ref of an object as an object of refs, one per field, each telling only when its field
 * changes: `const { data, status } = useTopic('room')` stays reactive after destructuring.
 * @module
 */
import { computed, type ComputedRef, type Ref } from 'vue'

/** Each field of `T` as a read-only ref. */
export type FieldRefs<T> = { readonly [K in keyof T]: ComputedRef<T[K]> }

/**
 * The fields are those of the current value: every store state has all of its fields from the
 * start (`undefined` ones included), so no list of them is kept here.
 * @internal
 */
export function fieldRefs<T extends object>(whole: Readonly<Ref<T>>): FieldRefs<T> {
  const fields = {} as { [K in keyof T]: ComputedRef<T[K]> }
  for (const key of Object.keys(whole.value) as Array<keyof T>) fields[key] = computed(() => whole.value[key])
  return fields
}
