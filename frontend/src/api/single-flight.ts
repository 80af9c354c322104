/**
 * Wraps an async function so that concurrent callers share one in-flight call: the refresh
 * token rotates on every use, so two parallel refreshes would invalidate each other.
 */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let inflight: Promise<T> | null = null
  return () => {
    if (!inflight) {
      inflight = Promise.resolve()
        .then(fn)
        .finally(() => {
          inflight = null
        })
    }
    return inflight
  }
}
