package claims_test

import (
	"fmt"

	"vigie/claims"
)

func ExampleEngine_Analyze() {
	store := claims.NewStore()
	store.Add(claims.FactCheck{
		ID: "fc-1", Text: "5G towers spread the coronavirus.", Title: "No, 5G does not spread COVID-19",
		Rating: claims.RatingFalse, Publisher: "Example Check", URL: "https://factcheck.example/5g",
	})
	engine := claims.NewEngine(store, claims.DefaultConfig())
	for _, c := range engine.Analyze(claims.Item{ID: "item-1", Language: "en",
		Text: "Good morning. A viral post says 5G towers spread the coronavirus."}) {
		for _, m := range c.Matches {
			fmt.Printf("sentence %d flagged=%v: %s (%s)\n", c.Index, c.Flagged, m.FactCheckID, m.Rating)
		}
	}
	// Output:
	// sentence 1 flagged=true: fc-1 (false)
}
