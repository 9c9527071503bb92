package publisher

import (
	"testing"

	"vigie/claims"
	"vigie/pipeline/publish"
)

func TestDetectMedia(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name        string
		appearances []string
		rating      claims.Rating
		kind        publish.MediaKind // "" for no media
		category    publish.MediaCategory
		n           int
	}{
		{"no media", []string{"https://social.example/@a/1"}, claims.RatingFalse, "", "", 0},
		{"image by extension", []string{"https://cdn.example/a/photo.JPG?x=1", "https://social.example/@a/1"}, claims.RatingFalse,
			publish.MediaImage, publish.MediaDecontextualized, 1},
		{"video wins over image", []string{"https://cdn.example/a.png", "https://youtu.be/abc"}, claims.RatingMisleading,
			publish.MediaVideo, publish.MediaDecontextualized, 1},
		{"youtube watch page", []string{"https://m.youtube.com/watch?v=x"}, claims.RatingTrue, publish.MediaVideo, publish.MediaOriginal, 1},
		{"youtube channel is not a video", []string{"https://www.youtube.com/@channel"}, claims.RatingFalse, "", "", 0},
		{"satire", []string{"https://cdn.example/clip.mp4"}, claims.RatingOther, publish.MediaVideo, publish.MediaSatireOrParody, 1},
		{"not http", []string{"ftp://cdn.example/a.jpg", "javascript:a.jpg"}, claims.RatingFalse, "", "", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := DetectMedia(publish.Verdict{Appearances: c.appearances, Rating: c.rating})
			if c.kind == "" {
				if m != nil {
					t.Fatalf("media %+v, want none", m)
				}
				return
			}
			if m == nil || m.Kind != c.kind || m.Category != c.category || len(m.Appearances) != c.n {
				t.Fatalf("media %+v, want %s %s with %d appearances", m, c.kind, c.category, c.n)
			}
		})
	}
}
