package library

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/spacekeep/spacekeep/protocol"
)

// Hit is a Space that matches a search, with the captions that match
// (the first few, with their times).
type Hit = protocol.LibraryHit

// SearchPage is one page of hits, newest first.
type SearchPage = protocol.LibrarySearchPage

// captionsPerHit bounds the matching captions shown per Space.
const captionsPerHit = 3

// ftsQuery turns what a person typed into an FTS5 query that cannot be a
// syntax error: every word is quoted (so AND, OR, NOT, NEAR, *, -, :,
// parentheses and quotes are plain text; control characters, NUL among
// them, separate words), words must all match, and the
// last word matches as a prefix, for search as you type. Words without a
// letter or digit are dropped (the index has no such tokens). "" means
// nothing to search for.
func ftsQuery(s string) string {
	var terms []string
	// Control characters separate words like spaces: SQLite reads a NUL
	// inside a quoted term as the end of the query's text.
	sep := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }
	for _, w := range strings.FieldsFunc(s, sep) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
	}
	if len(terms) == 0 {
		return ""
	}
	terms[len(terms)-1] += "*"
	return strings.Join(terms, " ")
}

// Search finds the Spaces whose title, host, co-hosts, speakers or
// captions hold every word of q, newest first, with the matching captions.
func (l *Library) Search(ctx context.Context, q string, f Filter) (SearchPage, error) {
	page := SearchPage{Items: []Hit{}, Offset: f.Offset}
	m := ftsQuery(q)
	if m == "" {
		return page, nil
	}
	where, args := f.where("s.")
	hits := `WITH hits(id) AS (
		SELECT space_id FROM spaces_fts WHERE spaces_fts MATCH ?
		UNION SELECT space_id FROM captions WHERE captions MATCH ?)
		`
	all := append([]any{m, m}, args...)
	if err := l.db.QueryRowContext(ctx, hits+"SELECT count(*) FROM spaces s JOIN hits h ON h.id = s.id WHERE "+where, all...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("search the library: %w", err)
	}
	items, err := l.items(ctx, hits+"SELECT "+itemColumns+" FROM spaces s JOIN hits h ON h.id = s.id WHERE "+where+
		" ORDER BY s.at DESC, s.id LIMIT ? OFFSET ?", append(all, f.limit(), max(f.Offset, 0))...)
	if err != nil {
		return page, fmt.Errorf("search the library: %w", err)
	}
	if len(items) == 0 {
		return page, nil
	}
	// The matching captions of the whole page in one query: the index
	// yields each match once, not once per Space.
	ids := []any{m}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	rows, err := l.db.QueryContext(ctx, `SELECT space_id, start_s, end_s, handle, name, text FROM captions
		WHERE captions MATCH ? AND space_id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(items)), ",")+`) ORDER BY space_id, start_s`, ids...)
	if err != nil {
		return page, fmt.Errorf("search the library: %w", err)
	}
	defer rows.Close()
	caps := map[string][]protocol.LibraryCaption{}
	for rows.Next() {
		var id string
		var c protocol.LibraryCaption
		if err := rows.Scan(&id, &c.StartS, &c.EndS, &c.Handle, &c.Name, &c.Text); err != nil {
			return page, fmt.Errorf("search the library: %w", err)
		}
		if len(caps[id]) < captionsPerHit {
			caps[id] = append(caps[id], c)
		}
	}
	if err := rows.Err(); err != nil {
		return page, fmt.Errorf("search the library: %w", err)
	}
	for _, it := range items {
		page.Items = append(page.Items, Hit{LibraryItem: it, Captions: caps[it.ID]})
	}
	return page, nil
}
