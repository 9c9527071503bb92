package httpapi

import (
	"encoding/json"
	"net/http"
)

// ContentTypeJSON is the Content-Type of every JSON response.
const ContentTypeJSON = "application/json; charset=utf-8"

// WriteJSON answers with status and v as the JSON body. The answer is not
// cached (Cache-Control: no-store): it is per user or changes at once.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", ContentTypeJSON)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
