package libserve

import (
	"context"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/host/library"
	"github.com/spacekeep/spacekeep/host/record"
)

// Namespaces of the feed.
const (
	NSItunes  = "http://www.itunes.com/dtds/podcast-1.0.dtd"
	NSPodcast = "https://podcastindex.org/namespace/1.0"
)

// The feed's shape for encoding/xml. Prefixed names are written as they
// are; the rss element declares the prefixes.
type rss struct {
	XMLName   xml.Name `xml:"rss"`
	Version   string   `xml:"version,attr"`
	NSItunes  string   `xml:"xmlns:itunes,attr"`
	NSPodcast string   `xml:"xmlns:podcast,attr"`
	Channel   channel  `xml:"channel"`
}

type channel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Generator     string     `xml:"generator"`
	LastBuildDate string     `xml:"lastBuildDate"`
	Author        string     `xml:"itunes:author"`
	Explicit      string     `xml:"itunes:explicit"`
	Type          string     `xml:"itunes:type"`
	Locked        string     `xml:"podcast:locked"` // yes: a private feed, not to be imported elsewhere
	Items         []feedItem `xml:"item"`
}

type feedItem struct {
	Title       string    `xml:"title"`
	Link        string    `xml:"link,omitempty"`
	Description cdata     `xml:"description"`
	GUID        guid      `xml:"guid"`
	PubDate     string    `xml:"pubDate,omitempty"`
	Enclosure   enclosure `xml:"enclosure"`
	Author      string    `xml:"itunes:author,omitempty"`
	Duration    int64     `xml:"itunes:duration"`
	Image       *href     `xml:"itunes:image"`
	Chapters    *typedURL `xml:"podcast:chapters"`
	Transcript  *typedURL `xml:"podcast:transcript"`
	Persons     []person  `xml:"podcast:person"`
}

type cdata struct {
	Text string `xml:",cdata"`
}

type guid struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type enclosure struct {
	URL    string `xml:"url,attr"`
	Length int64  `xml:"length,attr"`
	Type   string `xml:"type,attr"`
}

type href struct {
	Href string `xml:"href,attr"`
}

type typedURL struct {
	URL  string `xml:"url,attr"`
	Type string `xml:"type,attr"`
}

type person struct {
	Role string `xml:"role,attr,omitempty"`
	Href string `xml:"href,attr,omitempty"`
	Img  string `xml:"img,attr,omitempty"`
	Name string `xml:",chardata"`
}

func (s *Server) feed(ctx context.Context, w http.ResponseWriter, r *http.Request) {
	host := strings.TrimPrefix(strings.TrimSpace(r.URL.Query().Get("host")), "@")
	items, err := s.lib.All(ctx, library.Filter{Host: host})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	base := s.baseURL(r)
	ch := channel{
		Title:       "spacekeep: the Spaces you kept",
		Link:        base,
		Description: "The X Spaces kept by spacekeep on this computer.",
		Generator:   "spacekeep",
		Author:      "spacekeep",
		Explicit:    "false",
		Type:        "episodic",
		Locked:      "yes",
		Items:       []feedItem{},
	}
	if host != "" {
		ch.Title = "@" + host + " on spacekeep"
		ch.Link = base + "feed.xml?host=" + url.QueryEscape(host)
		ch.Description = "The X Spaces of @" + host + " kept by spacekeep on this computer."
	}
	ch.LastBuildDate = time.Now().UTC().Format(time.RFC1123Z)
	for _, it := range items {
		fi, ok, err := s.feedItem(ctx, base, it)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			ch.Items = append(ch.Items, fi)
		}
	}
	out, err := xml.MarshalIndent(rss{Version: "2.0", NSItunes: NSItunes, NSPodcast: NSPodcast, Channel: ch}, "", "  ")
	if err != nil {
		s.fail(w, r, fmt.Errorf("write the feed: %w", err))
		return
	}
	serveBytes(w, r, "application/rss+xml; charset=utf-8", append([]byte(xml.Header), out...))
}

// feedItem is one Space of the feed; ok is false for a Space whose audio
// is not there to be heard.
func (s *Server) feedItem(ctx context.Context, base string, it library.Item) (feedItem, bool, error) {
	f, fi, err := s.audioFile(ctx, it.ID)
	if err != nil {
		return feedItem{}, false, nil
	}
	defer f.Close()
	ext := audioExt(f.Name())
	typ, known := audioTypes[ext]
	if !known {
		return feedItem{}, false, nil
	}
	rec, err := s.lib.SpaceRecord(ctx, it.ID)
	if err != nil {
		return feedItem{}, false, err
	}
	item := feedItem{
		Title:       it.Title,
		Link:        it.URL,
		Description: cdata{describe(rec, it.URL)},
		GUID:        guid{IsPermaLink: "false", Value: it.ID},
		Enclosure:   enclosure{URL: base + "audio/" + it.ID + "." + ext, Length: fi.Size(), Type: typ},
		Author:      speakerLabel(it.Host, it.HostName),
		Duration:    int64(it.DurationS + 0.5),
		Chapters:    &typedURL{URL: base + "chapters/" + it.ID + ".json", Type: "application/json+chapters"},
	}
	if item.Title == "" {
		item.Title = "A Space by @" + it.Host
	}
	if !it.At.IsZero() {
		item.PubDate = it.At.UTC().Format(time.RFC1123Z)
	}
	if _, err := s.covers.find(f, fi); err == nil {
		item.Image = &href{Href: base + "cover/" + it.ID + ".jpg"}
	}
	if it.CaptionCount > 0 {
		item.Transcript = &typedURL{URL: base + "transcript/" + it.ID + ".vtt", Type: "text/vtt"}
	}
	add := func(role string, p record.Person) {
		h := strings.TrimPrefix(p.Handle, "@")
		if h == "" && p.Name == "" {
			return
		}
		name := p.Name
		if name == "" {
			name = "@" + h
		}
		item.Persons = append(item.Persons, person{Role: role, Href: profileURL(h), Img: p.AvatarURL, Name: name})
	}
	add("host", rec.Host)
	for _, p := range rec.CoHosts {
		add("host", p)
	}
	for _, p := range rec.Speakers {
		if !samePerson(p, rec.Host) {
			add("guest", p)
		}
	}
	return item, true, nil
}

func samePerson(a, b record.Person) bool {
	return strings.EqualFold(strings.TrimPrefix(a.Handle, "@"), strings.TrimPrefix(b.Handle, "@"))
}

// describe is an item's description: who hosted, who spoke, a link to the
// Space on X. HTML, as podcast apps expect; every name is escaped.
func describe(rec *record.Record, link string) string {
	var b strings.Builder
	if rec.Host.Handle != "" || rec.Host.Name != "" {
		fmt.Fprintf(&b, "<p>Hosted by %s.", html.EscapeString(speakerLabel(rec.Host.Handle, rec.Host.Name)))
		var names []string
		for _, p := range append(append([]record.Person(nil), rec.CoHosts...), rec.Speakers...) {
			if !samePerson(p, rec.Host) {
				names = append(names, html.EscapeString(speakerLabel(p.Handle, p.Name)))
			}
		}
		if len(names) > 0 {
			fmt.Fprintf(&b, " Speakers: %s.", strings.Join(names, ", "))
		}
		b.WriteString("</p>")
	}
	if link != "" {
		fmt.Fprintf(&b, `<p><a href="%s">The Space on X</a></p>`, html.EscapeString(link))
	}
	return b.String()
}
