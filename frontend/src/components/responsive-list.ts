/** A column of `ResponsiveList`: a table column on desktop, a labelled field on a phone card. */
export interface ListColumn<Row> {
  key: string
  label: string
  width?: number | string
  minWidth?: number | string
  /** Plain-text value; ignored when a `cell-<key>` slot is given. */
  value?: (row: Row) => string
  /** Shown as the card's title on phones. */
  primary?: boolean
  /** Hidden on phones, to keep cards short. */
  hideOnMobile?: boolean
}
