package feed_test

import (
	"context"
	"fmt"

	"vigie/pipeline/feed"
)

func ExampleParse() {
	body := []byte(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Mairie</title><language>fr-fr</language><ttl>30</ttl>
<item><title>Travaux rue de la Paix</title><link>/actu/1?utm_source=rss#top</link>
<description>&lt;p onclick="x()"&gt;Fermeture &lt;b&gt;lundi&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
<pubDate>Fri, 27 Nov 2026 08:00:00 +0100</pubDate></item></channel></rss>`)
	f, err := feed.Parse(context.Background(), body, "application/rss+xml", "https://www.mairie.example/rss.xml")
	if err != nil {
		fmt.Println(feed.ErrorKind(err), err)
		return
	}
	e := f.Entries[0]
	fmt.Println(f.Title, f.Language, f.TTL)
	fmt.Println(e.Link)
	fmt.Println(e.ContentHTML)
	fmt.Println(e.Text, e.Published)
	fmt.Println(feed.ItemID("mairie-example", e))
	// Output:
	// Mairie fr-FR 30m0s
	// https://www.mairie.example/actu/1
	// <p>Fermeture <b>lundi</b></p>
	// Fermeture lundi 2026-11-27 07:00:00 +0000 UTC
	// a00fd72646d4abce4f1153fe01024077
}
