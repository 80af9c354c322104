#!/usr/bin/env bash
# Upload one file for one project of a retrieval request with curl, resumably (tus 1.0.0), and attach it.
# Usage: ANPING_URL=http://127.0.0.1:8000 ANPING_TOKEN=anp_... ./upload_curl.sh REQUEST_ID ITEM_ID SLOT FILE
#   SLOT is "report" (the report, a PDF) or "archive" (the process-control archive: a zip, or PDFs/images).
# Interrupted? Run it again with UPLOAD_URL set to the address it printed: it continues from the server's offset.
set -euo pipefail
request_id=$1 item_id=$2 slot=$3 file=$4
api="${ANPING_URL%/}/api/v1"
auth="Authorization: Bearer $ANPING_TOKEN"
size=$(stat -c %s "$file")
sha256=$(sha256sum "$file" | cut -d' ' -f1)

if [ -z "${UPLOAD_URL:-}" ]; then
  # 1. Create the upload: its size, its name and its SHA-256 (the server refuses the file if they differ).
  metadata="filename $(basename "$file" | tr -d '\n' | base64 -w0),sha256 $(printf %s "$sha256" | base64 -w0)"
  location=$(curl -sS --fail-with-body -o /dev/null -D - -X POST "$api/uploads" -H "$auth" \
    -H "Tus-Resumable: 1.0.0" -H "Upload-Length: $size" -H "Upload-Metadata: $metadata" |
    tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
  UPLOAD_URL="${ANPING_URL%/}$location"
  echo "upload: $UPLOAD_URL" >&2
fi

# 2. Send the bytes from where the server stands until it has them all (streamed, never read into memory).
while :; do
  offset=$(curl -sS --fail-with-body -I "$UPLOAD_URL" -H "$auth" -H "Tus-Resumable: 1.0.0" |
    tr -d '\r' | sed -n 's/^[Uu]pload-[Oo]ffset: //p')
  [ "$offset" -ge "$size" ] && break
  tail -c +$((offset + 1)) "$file" | curl -sS --fail-with-body -o /dev/null -X PATCH "$UPLOAD_URL" -T - \
    -H "$auth" -H "Tus-Resumable: 1.0.0" -H "Content-Type: application/offset+octet-stream" \
    -H "Upload-Offset: $offset" || sleep 3
done

# 3. The stored file (repeating this is harmless), then attach it to the project.
file_id=$(curl -sS --fail-with-body -X POST "$UPLOAD_URL/complete" -H "$auth" |
  grep -o '"file":{"id":[0-9]*' | grep -o '[0-9]*$')
curl -sS --fail-with-body -o /dev/null -X POST "$api/retrieval-requests/$request_id/items/$item_id/files" \
  -H "$auth" -H "Content-Type: application/json" -d "{\"file_id\": $file_id, \"slot\": \"$slot\"}"
echo "$file_id"
