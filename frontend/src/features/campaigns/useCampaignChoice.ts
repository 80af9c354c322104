import { ElMessage } from 'element-plus'
import { onMounted, ref, shallowRef, type Ref } from 'vue'
import { errorMessage } from '@/api/problem'
import type { Campaign } from '@/api/types'
import { getCurrentCampaign, listCampaigns } from './api'

/** The campaigns to choose from, starting with the current one (the one running today, else the latest). */
export function useCampaignChoice(): {
  campaigns: Ref<Campaign[]>
  campaignId: Ref<number | null>
  campaign: () => Campaign | null
  ready: Ref<boolean>
} {
  const campaigns = shallowRef<Campaign[]>([])
  const campaignId = ref<number | null>(null)
  const ready = ref(false)

  onMounted(async () => {
    try {
      const [page, current] = await Promise.all([listCampaigns(), getCurrentCampaign().catch(() => null)])
      campaigns.value = page.items
      campaignId.value = current?.id ?? page.items[0]?.id ?? null
    } catch (error) {
      ElMessage.error(errorMessage(error))
    } finally {
      ready.value = true
    }
  })

  return { campaigns, campaignId, campaign: () => campaigns.value.find((c) => c.id === campaignId.value) ?? null, ready }
}
