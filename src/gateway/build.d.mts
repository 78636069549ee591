/** Bundle the `lifeline-ws` executable to `outfile` (default dist/cli.cjs), with the OpenAPI file and the bundled packages' licenses beside it. */
export function buildGateway(outfile?: string, options?: { minify?: boolean }): Promise<void>
