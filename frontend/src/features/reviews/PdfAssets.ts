import type * as Pdfjs from 'pdfjs-dist'

/**
 * pdf.js's own data files, bundled with the app rather than fetched from a CDN (the network may offer nothing
 * else): the character maps of CJK fonts that a PDF does not embed, the standard fonts (Symbol, ZapfDingbats
 * tick boxes) and the WebAssembly image decoders (JPEG 2000, JBIG2 in scanned reports). Each is a separate asset,
 * fetched only when a document needs it.
 */
type Loader = () => Promise<string>

const urls = (loaders: Record<string, Loader>): Map<string, Loader> =>
  new Map(Object.entries(loaders).map(([path, load]) => [path.slice(path.lastIndexOf('/') + 1), load]))

const ASSETS: Record<string, Map<string, Loader>> = {
  cMapUrl: urls(import.meta.glob<string>('/node_modules/pdfjs-dist/cmaps/*.bcmap', { query: '?url', import: 'default', exhaustive: true })),
  standardFontDataUrl: urls(
    import.meta.glob<string>('/node_modules/pdfjs-dist/standard_fonts/*.{pfb,ttf}', { query: '?url', import: 'default', exhaustive: true }),
  ),
  wasmUrl: urls(import.meta.glob<string>('/node_modules/pdfjs-dist/wasm/*.wasm', { query: '?url', import: 'default', exhaustive: true })),
}

/** The URL of one of pdf.js's data files (`kind` as pdf.js names it), or null when it is not bundled. */
export async function pdfAssetUrl(kind: string, filename: string): Promise<string | null> {
  const load = ASSETS[kind]?.get(filename)
  return load ? load() : null
}

/**
 * Hands pdf.js its data files from the bundle (`BinaryDataFactory` of `getDocument`, with `useWorkerFetch: false`:
 * the worker asks the page, which knows the hashed asset names).
 */
export class BundledPdfData {
  async fetch({ kind, filename }: { kind: string; filename: string }): Promise<Uint8Array> {
    const url = await pdfAssetUrl(kind, filename)
    if (!url) throw new Error(`pdf.js data file not bundled: ${kind} ${filename}`)
    const response = await fetch(url)
    if (!response.ok) throw new Error(`pdf.js data file ${filename}: HTTP ${response.status}`)
    return new Uint8Array(await response.arrayBuffer())
  }
}

type PdfjsModule = typeof Pdfjs

let library: Promise<PdfjsModule> | null = null

/** pdf.js, loaded on first use (it is large), with its worker served from the bundle. */
export function loadPdfjs(): Promise<PdfjsModule> {
  library ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')])
    .then(([pdfjs, worker]) => {
      pdfjs.GlobalWorkerOptions.workerSrc = worker.default
      return pdfjs
    })
    .catch((error: unknown) => {
      library = null
      throw error
    })
  return library
}
