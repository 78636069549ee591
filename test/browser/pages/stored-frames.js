/** Frames the IndexedDB outbox `name` holds, read from the page (same origin, same database). */
window.storedFrames = (name) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name)
  open.onupgradeneeded = () => open.result.createObjectStore('frames', { keyPath: 'id' })
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const db = open.result
    const request = db.transaction('frames', 'readonly').objectStore('frames').getAll()
    request.onsuccess = () => {
      db.close()
      resolve(request.result.map((stored) => stored.frame))
    }
    request.onerror = () => reject(request.error)
  }
})
