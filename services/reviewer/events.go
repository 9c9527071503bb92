package reviewer

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"go.uber.org/zap"

	"vigie/pipeline/index"
)

// NewClaimsEvent is the data of a "claims" server-sent event: how many
// claims were detected after the cursor the page was rendered at.
type NewClaimsEvent struct {
	New   int       `json:"new"`
	Since time.Time `json:"since"`
}

// events streams server-sent events: every EventInterval the index is
// asked how many claims were detected after ?since= (RFC 3339, default
// now); when the number grows an event "claims" carries it. The page shows
// a banner rather than inserting rows, so the reviewer keeps its place.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	since := s.deps.Now().UTC()
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			s.writeError(w, r, badRequest("since must be an RFC 3339 time"))
			return
		}
		since = t.UTC()
	}
	if s.index == nil {
		s.writeError(w, r, fmt.Errorf("events: %w", errUnavailable))
		return
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// A comment opens the stream at once and tells the client to retry in 10 s.
	if _, err := fmt.Fprint(w, ": vigie live events\nretry: 10000\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	filter := "detected > " + quoteFilter(since.Format(time.RFC3339Nano))
	last := 0
	tick := time.NewTicker(s.deps.EventInterval)
	defer tick.Stop()
	for {
		res, err := s.index.Search(r.Context(), index.Query{Filter: filter, Limit: -1})
		if err != nil {
			if r.Context().Err() == nil {
				s.log.Warn("live events query failed", zap.Error(err))
			}
		} else if res.Total != last {
			last = res.Total
			data, _ := json.Marshal(NewClaimsEvent{New: res.Total, Since: since})
			if _, err := fmt.Fprintf(w, "event: claims\ndata: %s\n\n", data); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}
