package indextest

import (
	"reflect"
	"testing"
)

func TestGenerateClaimsDeterministic(t *testing.T) {
	a, b := GenerateClaims(200, 3), GenerateClaims(200, 3)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different documents")
	}
	if reflect.DeepEqual(a, GenerateClaims(200, 4)) {
		t.Fatal("different seeds gave the same documents")
	}
	langs := map[string]int{}
	ids := map[string]bool{}
	for _, d := range a {
		id := d.ID()
		if id == "" || ids[id] {
			t.Fatalf("missing or duplicate id %q", id)
		}
		ids[id] = true
		langs[d["language"].(string)]++
		for _, f := range ClaimSettings().Fields {
			if f.Name == "assignee" {
				continue
			}
			if _, ok := d[f.Name]; !ok && f.Name != "localities" {
				t.Fatalf("document %s lacks declared field %q", id, f.Name)
			}
		}
	}
	if len(langs) != len(genLanguages) {
		t.Errorf("languages %v, want all of %v", langs, genLanguages)
	}
}
