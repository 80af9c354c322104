import { readonly, ref, type Ref } from 'vue'

/** Below this width the layout switches to drawer navigation, card lists and one-column forms. */
export const MOBILE_QUERY = '(max-width: 767.98px)'

const isMobile = ref(false)
let listening = false

function listen(): void {
  if (listening || typeof window === 'undefined' || !window.matchMedia) return
  listening = true
  const query = window.matchMedia(MOBILE_QUERY)
  isMobile.value = query.matches
  query.addEventListener('change', (event) => {
    isMobile.value = event.matches
  })
}

/** One shared, reactive media-query flag for the whole app. */
export function useIsMobile(): Readonly<Ref<boolean>> {
  listen()
  return readonly(isMobile)
}
