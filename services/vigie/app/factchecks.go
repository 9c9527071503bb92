package app

import (
	"fmt"
	"os"

	"vigie/claims"
	"vigie/claims/claimreview"
	"vigie/claims/locality"
)

// LoadFactChecks adds the fact-checks of a file (ClaimReview JSON-LD, Fact
// Check Tools JSON, CSV or TSV) to store, as Start does for the files of
// the configuration, and returns how many it added.
func LoadFactChecks(store *claims.Store, path string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("open fact-checks: %w", err)
	}
	defer f.Close()
	fcs, _, err := claimreview.Import(f)
	if err != nil {
		return 0, fmt.Errorf("load fact-checks %q: %w", path, err)
	}
	store.Add(fcs...)
	return len(fcs), nil
}

// loadGazetteers builds the locality matcher from gazetteer files and extra
// localities; nil when there is none.
func loadGazetteers(paths []string, extra []locality.Locality) (*locality.Matcher, error) {
	var all []locality.Locality
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("gazetteer: %w", err)
		}
		locs, err := locality.ReadCSV(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("gazetteer %s: %w", p, err)
		}
		all = append(all, locs...)
	}
	all = append(all, extra...)
	if len(all) == 0 {
		return nil, nil
	}
	g, err := locality.NewGazetteer(all)
	if err != nil {
		return nil, fmt.Errorf("gazetteer: %w", err)
	}
	return locality.NewMatcher(g, locality.Options{}), nil
}
