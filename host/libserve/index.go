package libserve

import (
	"bytes"
	"context"
	"html/template"
	"net/http"

	"github.com/spacekeep/spacekeep/host/library"
)

// indexPage is the root page: the feed's address and the latest Spaces,
// each playable, for a person who opens the printed URL in a browser.
var indexPage = template.Must(template.New("index").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width"><title>spacekeep library</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 48em; margin: 1em auto; padding: 0 1em">
<h1>spacekeep library</h1>
<p>Podcast feed: <a href="{{.Base}}feed.xml">{{.Base}}feed.xml</a> (paste it into a podcast app; keep it private: the address is the key)</p>
<ul>{{range .Items}}
<li><p><b>{{.Title}}</b> @{{.Host}}</p><audio controls preload="none" src="{{$.Base}}audio/{{.ID}}.{{.Ext}}"></audio></li>{{end}}
</ul></body></html>
`))

type indexItem struct {
	ID, Title, Host, Ext string
}

func (s *Server) index(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	page, err := s.lib.List(ctx, library.Filter{Limit: 100})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	data := struct {
		Base  string
		Items []indexItem
	}{Base: s.baseURL(r)}
	for _, it := range page.Items {
		f, _, err := s.audioFile(ctx, it.ID)
		if err != nil {
			continue
		}
		ext := audioExt(f.Name())
		f.Close()
		data.Items = append(data.Items, indexItem{ID: it.ID, Title: it.Title, Host: it.Host, Ext: ext})
	}
	var b bytes.Buffer
	if err := indexPage.Execute(&b, data); err != nil {
		s.fail(w, r, err)
		return
	}
	serveBytes(w, r, "text/html; charset=utf-8", b.Bytes())
}
