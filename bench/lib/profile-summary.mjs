// Reads a V8 .cpuprofile (Node's --cpu-prof or Chromium's Profiler domain)
// and lists where the samples fell: by function and by file.

const where = (cf) => `${cf.functionName || '(anonymous)'} ${cf.url.replace(/.*\//, '')}:${cf.lineNumber + 1}`

/** Self time per function and per file, as percentages of all samples, largest first. */
export function summarizeProfile(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map()
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    self.set(id, (self.get(id) ?? 0) + dt)
    total += dt
  })
  const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t)
  const fns = new Map()
  const files = new Map()
  for (const [id, t] of self) {
    const cf = byId.get(id).callFrame
    add(fns, where(cf), t)
    add(files, cf.url.replace(/.*\//, '') || `(${cf.functionName})`, t)
  }
  const pct = (t) => `${((t / total) * 100).toFixed(1).padStart(5)}%`
  const list = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `${pct(t)} ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`)
  return `self time by function:\n${list(fns, top).join('\n')}\n\nself time by file:\n${list(files, 12).join('\n')}`
}
