package mastodon

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// maxSSELine caps one line of the event stream (a status is a few KiB).
const maxSSELine = 1 << 20

// sseEvent is one dispatched server-sent event.
type sseEvent struct {
	Event string
	Data  string
}

// readSSE reads server-sent events from r and calls fn for each complete
// event (one ended by a blank line). Comment lines (heartbeats) call beat. An
// event cut by the end of the stream is discarded, as the SSE specification
// says. It returns io.EOF at the end of the stream, or fn's error.
func readSSE(r io.Reader, beat func(), fn func(sseEvent) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxSSELine)
	var (
		event string
		data  strings.Builder
		has   bool
	)
	for sc.Scan() {
		line := sc.Bytes()
		if beat != nil {
			beat()
		}
		if len(line) == 0 {
			if has {
				ev := sseEvent{Event: event, Data: data.String()}
				if ev.Event == "" {
					ev.Event = "message"
				}
				if err := fn(ev); err != nil {
					return err
				}
			}
			event, has = "", false
			data.Reset()
			continue
		}
		if line[0] == ':' {
			continue
		}
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			event = string(value)
		case "data":
			if has {
				data.WriteByte('\n')
			}
			data.Write(value)
			has = true
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read event stream: %w", err)
	}
	return io.EOF
}
