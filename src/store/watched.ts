/**
 * The topics some store watches, per client: how many stores hold each, and
 * the last message it delivered, so a store made later shows it at once. The
 * client itself shares one server subscription per topic between the stores.
 * @module
 */
import type { Client, Contract } from '../index'

/** A watched topic: its holders and its last message. @internal */
export interface Watched {
  holders: number
  last?: { data: unknown; seq: number | undefined }
}

const watchedByClient = new WeakMap<Client<Contract>, Map<string, Watched>>()

/**
 * The topics of `client` (kept as long as the client is): an entry lives while a store holds
 * its topic, so a client that visits many topics keeps only those in view.
 * @internal
 */
export function watchedTopics(client: Client<Contract>): Map<string, Watched> {
  let topics = watchedByClient.get(client)
  if (!topics) {
    topics = new Map()
    watchedByClient.set(client, topics)
  }
  return topics
}
