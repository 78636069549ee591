// The stores the test components use, typed by the test contract.
import { createStores } from '../../../src/svelte/index'
import type { ChatApi } from '../../store/server'

export const { topic, call, event, connectionState } = createStores<ChatApi>()
