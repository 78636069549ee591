// The contract the bindings' type tests (react, vue, svelte) check names, payloads and results against.
export interface TypedApi {
  methods: {
    'room.join': (params: { room: string }) => { members: string[] }
    time: () => number
  }
  events: { typing: { user: string } }
  topics: { 'room:lobby': { from: string; text: string } }
}
