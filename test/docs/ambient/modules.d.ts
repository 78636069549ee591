// Modules the snippets import that this project does not install, typed as
// far as the docs use them (a script file: `declare module` here declares,
// where in a module file it would augment).
declare module 'express' {
  interface Response {
    send(body: string): void
  }
  interface App {
    get(path: string, handler: (req: import('node:http').IncomingMessage, res: Response) => void): void
    listen(port: number): import('node:http').Server
  }
  export default function express(): App
}

// Deno imports npm packages with the npm: prefix (docs/server.md, "Deno and Bun").
declare module 'npm:lifeline-ws/server/deno' {
  export * from 'lifeline-ws/server/deno'
}
