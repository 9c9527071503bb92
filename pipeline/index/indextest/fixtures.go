package indextest

import "vigie/pipeline/index"

// fixtures are six hand-written claims that every filter, facet and sort
// case of the suite is computed against (expected results are written out by
// hand in suite.go, not derived from the backend).
func fixtures() []index.Document {
	return []index.Document{
		{
			"id": "c1", "text": "Le maire de Paris affirme que le budget de l'école a doublé",
			"item_title": "Budget de l'école", "item_url": "https://ouest-france.example/1",
			"source": "ouest-france", "source_name": "Ouest France", "language": "fr",
			"worthiness": 0.9, "flagged": true, "status": "new", "assignee": "Alice Martin",
			"localities": []string{"FR-75056"},
			"published":  "2026-03-01T08:00:00Z", "detected": "2026-03-01T09:00:00Z",
			"matches": []map[string]any{{"fact_check_id": "fc1", "rating": "false", "score": 0.92,
				"spans": []any{map[string]any{"start": 3, "end": 9}}}},
		},
		{
			"id": "c2", "text": "The mayor says the hospital budget doubled in 2025 & <b>rose</b>",
			"item_title": "Hospital budget", "item_url": "https://le-parisien.example/2",
			"source": "le-parisien", "source_name": "Le Parisien", "language": "en",
			"worthiness": 0.7, "flagged": false, "status": "triage", "assignee": "",
			"localities": []string{"FR-75056", "FR-69123"},
			"published":  "2026-02-01T00:00:00Z", "detected": "2026-02-01T01:00:00Z",
			"matches": []map[string]any{},
		},
		{
			"id": "c3", "text": "قال الرئيس إن الاقتصاد ينمو بسرعة",
			"item_title": "الاقتصاد", "item_url": "https://aljazeera.example/3",
			"source": "aljazeera", "source_name": "Al Jazeera", "language": "ar",
			"worthiness": 0.5, "flagged": true, "status": "published", "assignee": nil,
			"localities": []string{},
			"published":  "2026-01-15T12:00:00Z", "detected": "2026-01-15T12:30:00Z",
		},
		{
			"id": "c4", "text": "O prefeito de Lisboa prometeu vacinas contra o coronavirus",
			"item_title": "Vacinas em Lisboa", "item_url": "https://publico.example/4",
			"source": "publico", "source_name": "Público", "language": "pt",
			"worthiness": 0.3, "flagged": false, "status": "dismissed",
			"localities": []string{"PT-1106"},
			"published":  "2025-12-31T23:00:00Z", "detected": "2026-01-01T00:10:00Z",
		},
		{
			"id": "c5", "text": "Kommunen i Stockholm höjer skatten",
			"item_title": "Skatten höjs", "item_url": "https://svt.example/5",
			"source": "svt", "source_name": "SVT", "language": "sv",
			"worthiness": 0.1, "flagged": false, "status": "new", "assignee": "bob",
			"localities": []string{"SE-0180"},
		},
		{
			"id": "c6", "text": "L'hôpital de Montréal ferme ses urgences la nuit",
			"item_title": "Urgences fermées", "item_url": "https://ouest-france.example/6",
			"source": "ouest-france", "source_name": "Ouest France", "language": "fr",
			"worthiness": 0.6, "flagged": true, "status": "assigned", "assignee": "alice",
			"localities": []string{"FR-13055"},
			"published":  "2026-03-15T10:00:00Z", "detected": "2026-03-15T10:05:00Z",
		},
	}
}
