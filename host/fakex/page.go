package fakex

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// cookieDomain is the Domain X would give its cookies for the request's
// host: .x.com or .twitter.com, or none (host-only) on an IP or localhost.
func cookieDomain(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	for _, d := range []string{"x.com", "twitter.com"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return "." + d
		}
	}
	return ""
}

// setSession sets (or, logged out, expires) auth_token and ct0 as X does.
func (s *Server) setSession(w http.ResponseWriter, r *http.Request, loggedOut bool) {
	secure := s.tlsConf != nil
	domain := cookieDomain(r.Host)
	at, ct0 := "", ""
	maxAge := -1
	if !loggedOut {
		at, ct0 = s.NewSession()
		maxAge = 5 * 365 * 24 * 3600
	}
	same := http.SameSiteLaxMode
	if secure {
		same = http.SameSiteNoneMode // X's cookies are SameSite=None; that needs Secure
	}
	http.SetCookie(w, &http.Cookie{Name: "auth_token", Value: at, Domain: domain, Path: "/",
		MaxAge: maxAge, Secure: secure, HttpOnly: true, SameSite: same})
	http.SetCookie(w, &http.Cookie{Name: "ct0", Value: ct0, Domain: domain, Path: "/",
		MaxAge: maxAge, Secure: secure, SameSite: same})
}

var pageTmpl = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8">
<title>{{.PageTitle}}</title>
<meta property="og:title" content="{{.Title}}">
<meta property="og:site_name" content="X (formerly Twitter)">
<script src="/responsive-web/client-web/main.{{.Bundle}}.js" defer></script>
</head><body>
<main>
{{if .Found}}<h1 data-testid="space-title">{{.Title}}</h1>
<p data-testid="space-host">{{.HostName}} @{{.HostHandle}}</p>
<p data-testid="space-state">{{.State}}{{if .Replayable}} · replay available{{end}}</p>
{{else}}<h1>This Space does not exist</h1>{{end}}
<p id="api-status">loading…</p>
<button type="button" id="play" data-testid="play">Play</button> <span id="play-status"></span>
<ul data-testid="other-spaces">
{{range .Links}}<li><a href="https://x.com/i/spaces/{{.ID}}">{{.Title}}</a></li>
{{end}}</ul>
</main>
<script>
// Like the real web app: call AudioSpaceById with the current queryId and
// features, so that an extension's webRequest observer sees fresh values,
// and live_video_stream/status once the user presses play. Each call
// carries a fresh x-client-transaction-id, as X's own script computes.
// Every message this page's window receives is kept in window.__messages,
// so tests can prove nothing secret ever reaches the page's world.
window.__messages = [];
window.addEventListener("message", (e) => {
  try { window.__messages.push(JSON.stringify(e.data)); } catch (_) { window.__messages.push(String(e.data)); }
});
(function () {
  const m = document.cookie.match(/(?:^|;\s*)ct0=([^;]+)/);
  const tid = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(70)))).replace(/=+$/, "");
  let mediaKey = "";
  const variables = {id: {{.ID}}, isMetatagsQuery: true, withReplays: true, withListeners: true};
  const url = "/i/api/graphql/" + {{.QueryID}} + "/AudioSpaceById?variables=" +
    encodeURIComponent(JSON.stringify(variables)) + "&features=" + encodeURIComponent({{.Features}});
  fetch(url, {credentials: "include", headers: {
    "authorization": "Bearer " + {{.Bearer}},
    "x-csrf-token": m ? m[1] : "",
    "x-twitter-auth-type": "OAuth2Session",
    "x-twitter-active-user": "yes",
    "x-client-transaction-id": tid(),
    "content-type": "application/json"
  }}).then(r => r.json().then(j => {
    const md = j && j.data && j.data.audioSpace && j.data.audioSpace.metadata;
    if (md) mediaKey = md.media_key || "";
    document.getElementById("api-status").textContent = r.status + " " + (md ? md.state : "no data");
  })).catch(e => { document.getElementById("api-status").textContent = "error " + e; });
  // The player asks for the stream with XMLHttpRequest, as X's does.
  document.getElementById("play").addEventListener("click", () => {
    const x = new XMLHttpRequest();
    x.open("GET", "/i/api/1.1/live_video_stream/status/" + encodeURIComponent(mediaKey) +
      "?client=web&use_syndication_guest_id=false&cookie_set_host=x.com");
    x.withCredentials = true;
    x.setRequestHeader("authorization", "Bearer " + {{.Bearer}});
    x.setRequestHeader("x-csrf-token", m ? m[1] : "");
    x.setRequestHeader("x-client-transaction-id", tid());
    x.responseType = "json";
    x.onload = () => { document.getElementById("play-status").textContent = x.status + (x.response && x.response.source ? " playing" : " no stream"); };
    x.send();
  });
})();
</script>
</body></html>
`))

// bundleHash names the fake web bundle; the queryId inside it is what matters.
const bundleHash = "8a3c1f0e"

type link struct{ ID, Title string }

func (s *Server) spacePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	sp, found := s.spaces[id]
	var spec SpaceSpec
	if found {
		spec = sp.spec
	}
	var links []link
	for oid, o := range s.spaces {
		if oid != id {
			links = append(links, link{oid, o.spec.Title})
		}
	}
	s.mu.Unlock()
	sort.Slice(links, func(i, j int) bool { return links[i].ID < links[j].ID })
	links = links[:min(len(links), 5)]

	s.setSession(w, r, r.URL.Query().Get("logged_out") == "1")
	pageTitle := "X"
	if found {
		pageTitle = spec.HostName + " on X: “" + spec.Title + "” / X"
	}
	var buf bytes.Buffer
	err := pageTmpl.Execute(&buf, map[string]any{
		"PageTitle": pageTitle, "Found": found, "ID": id, "Title": spec.Title,
		"HostName": spec.HostName, "HostHandle": spec.HostHandle, "State": spec.State,
		"Replayable": spec.Replayable, "Links": links, "QueryID": s.pageQueryID(),
		"Features": s.pageFeatures(), "Bearer": BearerToken, "Bundle": bundleHash,
	})
	if err != nil {
		http.Error(w, "fakex: render page: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (s *Server) homePage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	var links []link
	for id, sp := range s.spaces {
		links = append(links, link{id, sp.spec.Title})
	}
	s.mu.Unlock()
	sort.Slice(links, func(i, j int) bool { return links[i].ID < links[j].ID })
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Home / X</title></head><body><h1>Home</h1><ul>\n")
	for _, l := range links {
		b.WriteString(`<li><a href="/i/spaces/` + url.PathEscape(l.ID) + `">` + template.HTMLEscapeString(l.Title) + "</a></li>\n")
	}
	b.WriteString("</ul></body></html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(b.String()))
}

// bundle serves a stand-in for X's main.<hash>.js, which carries the
// current queryId next to the operation's name.
func (s *Server) bundle(w http.ResponseWriter, r *http.Request) {
	qid, _ := json.Marshal(s.pageQueryID())
	js := `"use strict";(self.webpackChunk_twitter_responsive_web=self.webpackChunk_twitter_responsive_web||[]).push([["main"],{` +
		`5309:e=>{e.exports={queryId:` + string(qid) + `,operationName:"AudioSpaceById",operationType:"query",` +
		`metadata:{featureSwitches:[],fieldToggles:[]}}}}]);` + "\n"
	w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
	w.Write([]byte(js))
}

var avatarCache sync.Map // path → JPEG bytes

// serveAvatar draws a profile picture: a colour derived from the path, in
// the size the name asks for (_normal 48, _bigger 73, _400x400 400).
func (s *Server) serveAvatar(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if !strings.HasSuffix(p, ".jpg") && !strings.HasSuffix(p, ".png") {
		http.NotFound(w, r)
		return
	}
	key := strings.NewReplacer("_normal.", ".", "_bigger.", ".", "_400x400.", ".").Replace(p)
	size := 200
	switch {
	case strings.Contains(p, "_normal."):
		size = 48
	case strings.Contains(p, "_bigger."):
		size = 73
	case strings.Contains(p, "_400x400."):
		size = 400
	}
	ck := key + "@" + strconv.Itoa(size)
	data, ok := avatarCache.Load(ck)
	if !ok {
		sum := sha256.Sum256([]byte(key))
		img := image.NewRGBA(image.Rect(0, 0, size, size))
		for y := range size {
			for x := range size {
				img.Set(x, y, color.RGBA{sum[0] ^ byte(x*255/size), sum[1], sum[2] ^ byte(y*255/size), 255})
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
			http.Error(w, "fakex: encode avatar: "+err.Error(), http.StatusInternalServerError)
			return
		}
		data, _ = avatarCache.LoadOrStore(ck, buf.Bytes())
	}
	b := data.([]byte)
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Header().Set("Last-Modified", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
	s.writeShaped(r.Context(), w, b) //nolint:errcheck // the client went away
}
