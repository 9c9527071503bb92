package claims

import "testing"

// TestAssignFindsRewordingThroughSharedWords: Assign looks earlier claims up
// through the words they share with the new one, so that a rewording whose
// rarest words (by the fact-checks) are its own new words still joins the
// claim it repeats: here the store knows only the hoax's fact-check, so
// every word of the rewording's attribution ("receive", "widely",
// "message") is rarer than the words it shares with the first outlet.
func TestAssignFindsRewordingThroughSharedWords(t *testing.T) {
	t.Parallel()
	st := NewStore()
	st.Add(FactCheck{ID: "grant", Text: "The council pays families a €1,000 back-to-school grant for every child.",
		Title: "No, there is no €1,000 back-to-school grant"})
	c := NewClusterer(st, 0, 0)
	first := c.Assign("post", c.Sketch("A viral post claims the council will pay families a €1,000 back-to-school grant for every child.", "en"))
	c.Assign("other", c.Sketch("The library on Main Street will close for renovation until the end of March, the council said.", "en"))
	news := "Families will receive a €1,000 back-to-school grant per child from the council, according to a widely shared message."
	if got := c.Assign("news", c.Sketch(news, "en")); got != first {
		t.Errorf("the rewording started cluster %q, want the first outlet's %q", got, first)
	}
	if cl, sim, ok := c.Nearest(c.Sketch("Council back-to-school grant: €1000 for each child, says a post shared thousands of times.", "en")); !ok || cl != first {
		t.Errorf("Nearest = %q (%.3f, %v), want %q", cl, sim, ok, first)
	}
}

// TestAssignCopies: copies of a claim join its cluster without being
// remembered again (the look-up of the next claim does not grow with a
// viral text's copies); after the window forgets the original, a copy
// starts over.
func TestAssignCopies(t *testing.T) {
	t.Parallel()
	c := NewClusterer(nil, 0, 10)
	text := "The council will pay families a €1,000 back-to-school grant for every child."
	first := c.Assign("c0", c.Sketch(text, "en"))
	for i := range 1000 {
		if got := c.Assign("copy", c.Sketch(text, "en")); got != first {
			t.Fatalf("copy %d in cluster %q, want %q", i, got, first)
		}
	}
	if len(c.entries) != 1 {
		t.Errorf("%d claims remembered after 1000 copies, want 1", len(c.entries))
	}
	for i := range 10 {
		c.Assign("other", c.Sketch("Unrelated sentence number "+string(rune('a'+i))+" about the library opening hours.", "en"))
	}
	if got := c.Assign("late", c.Sketch(text, "en")); got != "late" {
		t.Errorf("a copy after the window forgot the original joined %q", got)
	}
}
