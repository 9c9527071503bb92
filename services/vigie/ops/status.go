package ops

import (
	"context"
	"fmt"
	"os"

	"go.uber.org/zap"

	"vigie/pipeline/disk"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// Status is what `vigie status` shows of a data folder.
type Status struct {
	// Disk is the data folder's free space (nil when it cannot be measured).
	Disk *DiskStatus `json:"disk"`
	// Streams are the streams with their message counts.
	Streams []StreamStatus `json:"streams"`
}

// StreamStatus is one stream's size.
type StreamStatus struct {
	Name     string `json:"name"`
	Messages uint64 `json:"messages"`
	Bytes    uint64 `json:"bytes"`
}

// DiskStatus is the data folder's free space against the reserve under
// which `vigie serve` refuses new items.
type DiskStatus struct {
	Dir     string `json:"dir"`
	Free    uint64 `json:"free_bytes"`
	Total   uint64 `json:"total_bytes"`
	Reserve uint64 `json:"reserve_bytes"`
	Low     bool   `json:"low"`
}

// ReadStatus reads the streams of the server that serves a data folder and
// the folder's free space against the reserve of the configuration in the
// environment.
func ReadStatus(ctx context.Context, dir string) (Status, error) {
	var st Status
	b, closeFn, err := app.OpenData(ctx, dir, zap.NewNop())
	if err != nil {
		return st, err
	}
	defer closeFn()
	for _, sc := range b.Topology().Streams() {
		s, err := b.JS.Stream(ctx, sc.Name)
		if err != nil {
			return st, fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		info, err := s.Info(ctx)
		if err != nil {
			return st, fmt.Errorf("stream %s: %w", sc.Name, err)
		}
		st.Streams = append(st.Streams, StreamStatus{Name: sc.Name, Messages: info.State.Msgs, Bytes: info.State.Bytes})
	}
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		return st, err
	}
	guard := disk.NewGuard(dir, uint64(cfg.DataMinFree), nil)
	if free, total, err := guard.Measure(); err == nil {
		st.Disk = &DiskStatus{Dir: dir, Free: free, Total: total, Reserve: guard.Reserve(), Low: free < guard.Reserve()}
	}
	return st, nil
}
