package publisher

import (
	"net/url"
	"path"
	"slices"
	"strings"

	"vigie/claims"
	"vigie/pipeline/publish"
)

var (
	imageExts = []string{".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".bmp", ".tif", ".tiff"}
	videoExts = []string{".mp4", ".webm", ".mov", ".m4v", ".ogv", ".mkv", ".avi"}
	// videoHosts serve videos at every page URL with a video path.
	videoHosts = map[string]func(*url.URL) bool{
		"youtube.com": func(u *url.URL) bool {
			return u.Path == "/watch" || strings.HasPrefix(u.Path, "/shorts/") || strings.HasPrefix(u.Path, "/embed/")
		},
		"youtu.be":  func(u *url.URL) bool { return len(u.Path) > 1 },
		"vimeo.com": func(u *url.URL) bool { return len(u.Path) > 1 },
		"tiktok.com": func(u *url.URL) bool {
			return strings.Contains(u.Path, "/video/")
		},
	}
)

// mediaKindOf returns the kind of media a URL points at, or "".
func mediaKindOf(raw string) publish.MediaKind {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	ext := strings.ToLower(path.Ext(u.Path))
	switch {
	case slices.Contains(imageExts, ext):
		return publish.MediaImage
	case slices.Contains(videoExts, ext):
		return publish.MediaVideo
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	host = strings.TrimPrefix(host, "m.")
	if is, ok := videoHosts[host]; ok && is(u) {
		return publish.MediaVideo
	}
	return ""
}

// DetectMedia returns the image or video a verdict's claim concerns when
// its appearances point at media files (by extension) or video pages
// (YouTube, Vimeo, TikTok); nil otherwise. Videos win over images when
// both appear. The verdict record has no field for how the media was
// manipulated, so the category follows the rating: true or mostly true is
// original content, satire is satire or parody, and any other rating is
// decontextualized content (the commonest case of a real image or video
// shown with a false claim). Options.Details overrides it.
func DetectMedia(v publish.Verdict) *publish.Media {
	var images, videos []string
	for _, a := range v.Appearances {
		switch mediaKindOf(a) {
		case publish.MediaImage:
			images = append(images, a)
		case publish.MediaVideo:
			videos = append(videos, a)
		}
	}
	m := &publish.Media{Kind: publish.MediaVideo, Appearances: videos}
	if len(videos) == 0 {
		if len(images) == 0 {
			return nil
		}
		m.Kind, m.Appearances = publish.MediaImage, images
	}
	switch v.Rating {
	case claims.RatingTrue, claims.RatingMostlyTrue:
		m.Category = publish.MediaOriginal
	case claims.RatingOther:
		m.Category = publish.MediaSatireOrParody
	default:
		m.Category = publish.MediaDecontextualized
	}
	return m
}
