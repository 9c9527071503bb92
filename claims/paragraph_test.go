package claims

import (
	"strings"
	"testing"
)

func TestParagraphOf(t *testing.T) {
	t.Parallel()
	it := Item{Title: "Title here", Text: "First paragraph alone.\nThe mayor spoke. He said 632 € were spent. Then he left.\n"}
	if got := ParagraphOf(it, "He said 632 € were spent."); got != "The mayor spoke. He said 632 € were spent. Then he left." {
		t.Errorf("paragraph = %q", got)
	}
	if got := ParagraphOf(it, "First paragraph alone."); got != "" {
		t.Errorf("a sentence that is its whole paragraph: got %q, want empty", got)
	}
	if got := ParagraphOf(it, "Title here"); got != "" {
		t.Errorf("a title's sentence: got %q, want empty", got)
	}
	long := strings.Repeat("word ", 300) + "The needle sentence is here. " + strings.Repeat("more ", 300)
	got := ParagraphOf(Item{Text: long}, "The needle sentence is here.")
	if !strings.Contains(got, "The needle sentence is here.") || len(got) > maxParagraph+10 ||
		!strings.HasPrefix(got, "… word") || !strings.HasSuffix(got, "more …") {
		t.Errorf("long paragraph cut badly (%d bytes): %q…%q", len(got), got[:20], got[len(got)-20:])
	}
}
