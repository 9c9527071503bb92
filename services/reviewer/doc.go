// Package reviewer is the web side of Vigie: the server-rendered review
// queue, the JSON API under /api/v1 and the health endpoints /healthz and
// /readyz.
package reviewer
