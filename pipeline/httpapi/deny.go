package httpapi

import "net/http"

// Deny writes a refusal of the route policy or the authenticator (an
// account.DenyFunc) as every API error: {"error": reason} with status, and
// WWW-Authenticate: Bearer on a 401.
func Deny(w http.ResponseWriter, _ *http.Request, status int, reason string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="vigie"`)
	}
	WriteJSON(w, status, ErrorBody{Error: reason})
}
