package claims

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestReadJudgements(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "judgements.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	js, err := ReadJudgements(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 18 {
		t.Fatalf("%d judgements, want 18 (19 lines, one pair judged twice)", len(js))
	}
	// the pair judged twice: the later judgement wins, at the first line's place
	if js[1].FactCheckID != "fc-lib-hidalgo" || js[1].Judgement != JudgementRejected || js[1].ClaimPublished.Year() != 2026 {
		t.Errorf("changed mind: %+v", js[1])
	}
	var buf bytes.Buffer
	if err := WriteJudgements(&buf, js); err != nil {
		t.Fatal(err)
	}
	again, err := ReadJudgements(&buf)
	if err != nil || !reflect.DeepEqual(again, js) {
		t.Errorf("round trip: %v", err)
	}
	before := JudgedBetween(js, time.Time{}, time.Date(2026, 11, 20, 9, 10, 0, 0, time.UTC))
	since := JudgedBetween(js, time.Date(2026, 11, 20, 9, 10, 0, 0, time.UTC), time.Time{})
	if len(before)+len(since) != len(js) || len(before) == 0 || len(since) == 0 {
		t.Errorf("JudgedBetween split %d + %d of %d", len(before), len(since), len(js))
	}
}

func TestReadJudgementsErrors(t *testing.T) {
	ok := `{"claim_id":"c","claim_text":"x y z","factcheck_id":"f","factcheck_text":"x y z","judgement":"confirmed","judged_at":"2026-11-20T09:00:00Z"}`
	for _, tt := range []struct{ name, in, err string }{
		{"not json", "{", "line 1"},
		{"bad judgement", strings.Replace(ok, `"confirmed"`, `"maybe"`, 1), `judgement "maybe"`},
		{"no claim id", strings.Replace(ok, `"claim_id":"c"`, `"claim_id":""`, 1), "claim_id and factcheck_id"},
		{"no text", strings.Replace(ok, `"claim_text":"x y z"`, `"claim_text":" "`, 1), "claim_text and factcheck_text"},
		{"no time", strings.Replace(ok, `,"judged_at":"2026-11-20T09:00:00Z"`, ``, 1), "judged_at"},
		{"second line", ok + "\n\n" + "[]", "line 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJudgements(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
	if js, err := ReadJudgements(strings.NewReader(ok + "\n")); err != nil || len(js) != 1 || js[0].ClaimLanguage != "" {
		t.Errorf("minimal line: %+v %v", js, err)
	}
}
