package library

import (
	"context"
	"fmt"
	"github.com/spacekeep/spacekeep/protocol"
	"sort"
	"strings"
	"unicode"
)

// Stats sums up the library, or one host's part of it.
type Stats = protocol.LibraryStats

// Speaker is one person's talk time across Spaces.
type Speaker = protocol.LibrarySpeaker

// Count is a word, topic or host and how often it comes.
type Count = protocol.LibraryCount

// Month is one calendar month's Spaces (UTC).
type Month = protocol.LibraryMonth

const statsTop = 10

// Stats computes the statistics of the Spaces f selects (f.Host, f.Since).
func (l *Library) Stats(ctx context.Context, f Filter) (*Stats, error) {
	st := &Stats{Host: strings.TrimPrefix(f.Host, "@"), Speakers: []Speaker{}, TitleWords: []Count{}, Topics: []Count{}, Months: []Month{}}
	where, args := f.where("s.")
	err := l.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(duration_s), 0) / 3600.0 FROM spaces s WHERE `+where, args...).
		Scan(&st.Spaces, &st.Hours)
	if err != nil {
		return nil, fmt.Errorf("library stats: %w", err)
	}
	if err := l.listenerStats(ctx, st, where, args); err != nil {
		return nil, err
	}
	rows, err := l.db.QueryContext(ctx, `SELECT t.handle, max(t.name), sum(t.seconds), count(DISTINCT t.space_id)
		FROM talk_time t JOIN spaces s ON s.id = t.space_id WHERE `+where+`
		GROUP BY t.handle ORDER BY sum(t.seconds) DESC LIMIT ?`, append(args, statsTop)...)
	if err != nil {
		return nil, fmt.Errorf("library stats: %w", err)
	}
	for rows.Next() {
		var sp Speaker
		if err := rows.Scan(&sp.Handle, &sp.Name, &sp.Seconds, &sp.Spaces); err != nil {
			rows.Close()
			return nil, fmt.Errorf("library stats: %w", err)
		}
		st.Speakers = append(st.Speakers, sp)
	}
	rows.Close()
	if st.Topics, err = l.counts(ctx, `SELECT t.topic, count(*) FROM topics t JOIN spaces s ON s.id = t.space_id WHERE `+where+
		` GROUP BY t.topic ORDER BY count(*) DESC, t.topic LIMIT ?`, append(args, statsTop)...); err != nil {
		return nil, fmt.Errorf("library stats: %w", err)
	}
	if st.Host == "" {
		if st.Hosts, err = l.counts(ctx, `SELECT s.host_handle, count(*) FROM spaces s WHERE `+where+
			` GROUP BY s.host_handle COLLATE NOCASE ORDER BY count(*) DESC, s.host_handle LIMIT 100`, args...); err != nil {
			return nil, fmt.Errorf("library stats: %w", err)
		}
	}
	rows, err = l.db.QueryContext(ctx, `SELECT strftime('%Y-%m', s.at / 1000, 'unixepoch') AS m, count(*), sum(s.duration_s) / 3600.0
		FROM spaces s WHERE s.at > 0 AND `+where+` GROUP BY m ORDER BY m`, args...)
	if err != nil {
		return nil, fmt.Errorf("library stats: %w", err)
	}
	for rows.Next() {
		var m Month
		if err := rows.Scan(&m.Month, &m.Spaces, &m.Hours); err != nil {
			rows.Close()
			return nil, fmt.Errorf("library stats: %w", err)
		}
		st.Months = append(st.Months, m)
	}
	rows.Close()
	titles, err := l.db.QueryContext(ctx, "SELECT title FROM spaces s WHERE "+where, args...)
	if err != nil {
		return nil, fmt.Errorf("library stats: %w", err)
	}
	words := map[string]int{}
	for titles.Next() {
		var t string
		if err := titles.Scan(&t); err != nil {
			titles.Close()
			return nil, fmt.Errorf("library stats: %w", err)
		}
		seen := map[string]bool{}
		for _, w := range strings.FieldsFunc(strings.ToLower(t), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '#' && r != '\'' }) {
			w = strings.Trim(w, "'")
			if len([]rune(w)) < 3 || stopWords[w] || seen[w] {
				continue
			}
			seen[w] = true
			words[w]++
		}
	}
	titles.Close()
	st.TitleWords = top(words, statsTop)
	return st, nil
}

func (l *Library) counts(ctx context.Context, q string, args ...any) ([]Count, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Count{}
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Name, &c.Count); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// top is the n most frequent words, ties by the word.
func top(m map[string]int, n int) []Count {
	out := make([]Count, 0, len(m))
	for w, c := range m {
		if c > 1 || len(m) <= n {
			out = append(out, Count{Name: w, Count: c})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// stopWords are left out of the frequent title words.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`the and for with you your our are was were this that what who how why when where
		from into about have has had not but all any can will just its it's out get got let's lets let one two new
		live space spaces episode part today tonight now more less than then them they their there here his her
		she him via off over under weekly daily friday monday tuesday wednesday thursday saturday sunday`) {
		stopWords[w] = true
	}
}
