package ops

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.uber.org/zap"

	"vigie/pipeline/disk"
	"vigie/services/ingester"
	"vigie/services/vigie/app"
	"vigie/services/vigie/config"
)

// ItemsFormat is the format of an items file: format when given (jsonl or
// csv), else the one its name says (.jsonl, .ndjson, .csv).
func ItemsFormat(path, format string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".jsonl", ".ndjson":
			return ingester.FormatJSONL, nil
		case ".csv":
			return ingester.FormatCSV, nil
		}
		return "", fmt.Errorf("import items %s: cannot tell the format from the file name: use --format jsonl or csv", path)
	}
	if f := strings.ToLower(format); f == ingester.FormatJSONL || f == ingester.FormatCSV {
		return f, nil
	}
	return "", fmt.Errorf("import items %s: %w: %q (want jsonl or csv)", path, ingester.ErrImportFormat, strings.ToLower(format))
}

// ItemImport is an import of one file of items into a data folder, ready
// to run.
type ItemImport struct {
	path     string
	file     *os.File
	svc      *ingester.Service
	closeBus func()
}

// OpenItemImport opens the file of items at path and the data folder dir.
// It refuses when the data folder is nearly full: nothing is imported.
func OpenItemImport(ctx context.Context, dir, path string) (_ *ItemImport, err error) {
	imp := &ItemImport{path: path}
	defer func() {
		if err != nil {
			imp.Close()
		}
	}()
	if imp.file, err = os.Open(path); err != nil {
		return nil, fmt.Errorf("import items: %w", err)
	}
	log := zap.NewNop()
	cfg, err := config.Load("", os.LookupEnv)
	if err != nil {
		return nil, err
	}
	guard := disk.NewGuard(dir, uint64(cfg.DataMinFree), log)
	if err := guard.Check(); err != nil {
		return nil, fmt.Errorf("import items %s: nothing imported: %w", path, err)
	}
	b, closeBus, err := app.OpenData(ctx, dir, log)
	if err != nil {
		return nil, err
	}
	imp.closeBus = closeBus
	if imp.svc, err = ingester.New(ctx, b, ingester.Options{Disk: guard}, log); err != nil {
		return nil, err
	}
	return imp, nil
}

// Run publishes the file's items (in format, see ItemsFormat) on ITEMS as
// items of the source sourceID; an item already published is skipped.
// progress is told of the advance, refused of each line that could not be
// imported. When the data folder fills up during the import, the items
// before are stored and the error wraps disk.ErrLow.
func (imp *ItemImport) Run(ctx context.Context, format, sourceID string, progress func(done, total int), refused func(line int, err error)) (ingester.Stats, error) {
	return ingester.ImportItems(ctx, imp.svc, imp.file, format, sourceID, progress, refused)
}

// Close releases the file and the data folder.
func (imp *ItemImport) Close() {
	if imp.closeBus != nil {
		imp.closeBus()
	}
	if imp.file != nil {
		_ = imp.file.Close()
	}
}
