package locality

import (
	"embed"
	"fmt"
	"path"
	"sync"
)

// shippedFS holds the gazetteers built into the binary, one folder per
// country with its localities.csv and SOURCE.txt (origin and licence:
// Etalab Licence Ouverte for fr, attribution INSEE / Etalab; ODC-PDDL for
// pt, br and es; CC0 for se).
//
//go:embed gazetteers/fr/localities.csv gazetteers/pt/localities.csv gazetteers/br/localities.csv gazetteers/se/localities.csv gazetteers/es/localities.csv
var shippedFS embed.FS

// ShippedCountries are the countries whose gazetteer is built into the
// binary (lower-case ISO 3166-1 alpha-2).
var ShippedCountries = []string{"br", "es", "fr", "pt", "se"}

var shipped struct {
	once sync.Once
	g    *Gazetteer
	err  error
}

// ShippedLocalities returns the localities of the shipped gazetteers of
// the given countries (every shipped country when none is given).
func ShippedLocalities(countries ...string) ([]Locality, error) {
	if len(countries) == 0 {
		countries = ShippedCountries
	}
	var out []Locality
	for _, cc := range countries {
		f, err := shippedFS.Open(path.Join("gazetteers", cc, "localities.csv"))
		if err != nil {
			return nil, fmt.Errorf("shipped gazetteer %s: %w", cc, err)
		}
		locs, err := ReadCSV(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("shipped gazetteer %s: %w", cc, err)
		}
		out = append(out, locs...)
	}
	return out, nil
}

// Shipped returns the gazetteer of every shipped country, read once.
func Shipped() (*Gazetteer, error) {
	shipped.once.Do(func() {
		locs, err := ShippedLocalities()
		if err != nil {
			shipped.err = err
			return
		}
		shipped.g, shipped.err = NewGazetteer(locs)
	})
	return shipped.g, shipped.err
}

// PlaceName returns the name of the locality with code, from the shipped
// gazetteers ("PT-1312" → "Porto"); the code itself when no shipped
// gazetteer knows it.
func PlaceName(code string) string {
	g, err := Shipped()
	if err != nil || g == nil {
		return code
	}
	if l, ok := g.Lookup(code); ok {
		return l.Name
	}
	return code
}
