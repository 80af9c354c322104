import { ref, watch, type Ref } from 'vue'

/** A text ref for an input whose trimmed value reaches `apply` only after the user pauses typing. */
export function useDebouncedInput(apply: (value: string) => void, delay = 300): Ref<string> {
  const text = ref('')
  let timer: ReturnType<typeof setTimeout> | undefined
  watch(text, (value) => {
    clearTimeout(timer)
    timer = setTimeout(() => apply(value.trim()), delay)
  })
  return text
}
