import { onBeforeUnmount, onMounted, readonly, ref, type Ref } from 'vue'

/** Whether a media query matches, kept current while the component is mounted. */
export function useMediaQuery(query: string): Readonly<Ref<boolean>> {
  const matches = ref(typeof window !== 'undefined' && !!window.matchMedia && window.matchMedia(query).matches)
  let list: MediaQueryList | null = null
  const onChange = (event: MediaQueryListEvent) => (matches.value = event.matches)
  onMounted(() => {
    if (!window.matchMedia) return
    list = window.matchMedia(query)
    matches.value = list.matches
    list.addEventListener('change', onChange)
  })
  onBeforeUnmount(() => list?.removeEventListener('change', onChange))
  return readonly(matches)
}
