package xapi

// X's own Space search, the GraphQL AudioSpaceSearch query (X-FACTS §11).
// Its answer's shape is one public client's 2023 reading, unverified since:
// an answer without that shape, or a refusal, is "search is not available",
// never "no Spaces".

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/spacekeep/spacekeep/protocol"
)

// SearchQueryIDs are the AudioSpaceSearch query ids seen in use, newest
// first; the next is tried when one answers 404/400.
var SearchQueryIDs = []string{"NTq79TuSz6fHj8lQaferJw"}

// Search filters: X's web app has tabs for live and upcoming Spaces; its
// filter values are not documented, these are our reading of them.
const (
	SearchTop      = "top"
	SearchLive     = "live"
	SearchUpcoming = "upcoming"
)

// MaxSearchQuery bounds what is sent as the search words.
const MaxSearchQuery = 200

// searchFeatures is the features set AudioSpaceSearch is sent with; an
// error 336 adds the flags X names.
var searchFeatures = map[string]any{
	"spaces_2022_h2_spaces_communities":                                 false,
	"spaces_2022_h2_clipping":                                           true,
	"responsive_web_graphql_exclude_directive_enabled":                  true,
	"verified_phone_label_enabled":                                      false,
	"responsive_web_graphql_timeline_navigation_enabled":                true,
	"responsive_web_graphql_skip_user_profile_image_extensions_enabled": false,
}

// SearchSpaces asks X's Space search for query with filter (SearchTop,
// SearchLive or SearchUpcoming) and returns the Space ids it lists, in its
// order, each once. Details come from AudioSpaceByID. A 429 comes back at
// once as a *RateLimitError; an answer spacekeep cannot read, or every
// query id refused, is search_unavailable.
func (c *Client) SearchSpaces(ctx context.Context, query, filter string) ([]string, error) {
	query = strings.TrimSpace(query)
	if query == "" || len(query) > MaxSearchQuery || strings.ContainsAny(query, "\x00\r\n") {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "search words: 1 to %d characters on one line", MaxSearchQuery)
	}
	switch filter {
	case "":
		filter = SearchTop
	case SearchTop, SearchLive, SearchUpcoming:
	default:
		return nil, protocol.Errorf(protocol.CodeBadRequest, "search filter %q: want %s, %s or %s", filter, SearchTop, SearchLive, SearchUpcoming)
	}
	if c.guest {
		return nil, protocol.Errorf(protocol.CodeAuth, "Searching Spaces needs an x.com session: %s", protocol.Messages[protocol.CodeAuth])
	}
	vars, err := json.Marshal(map[string]any{"query": query, "filter": filter})
	if err != nil {
		return nil, fmt.Errorf("encode variables: %w", err)
	}
	feats := map[string]any{}
	for k, v := range searchFeatures {
		feats[k] = v
	}
	var lastErr error
	for _, qid := range SearchQueryIDs {
		for try := 0; try < 3; try++ {
			fj, err := json.Marshal(feats)
			if err != nil {
				return nil, fmt.Errorf("encode features: %w", err)
			}
			body, _, err := c.getOnce(ctx, "/i/api/graphql/"+qid+"/AudioSpaceSearch", url.Values{"variables": {string(vars)}, "features": {string(fj)}})
			var ae *apiError
			if errors.As(err, &ae) && ae.status == http.StatusBadRequest && try < 2 {
				if names := featuresNamed(ae.body); len(names) > 0 {
					for _, n := range names {
						feats[n] = false
					}
					continue
				}
			}
			if errors.As(err, &ae) {
				lastErr = err
				c.log.Info().Str("query_id", qid).Int("status", ae.status).Msg("AudioSpaceSearch query id refused, trying the next")
				break
			}
			if err != nil {
				return nil, err
			}
			return parseSearch(body)
		}
	}
	return nil, protocol.NewError(protocol.CodeSearchUnavailable, lastErr)
}

// parseSearch reads an AudioSpaceSearch answer:
// data.search_by_raw_query.audio_spaces_grouped_by_section.sections[].items[].space.rest_id.
// Ids that are not Space ids are left out.
func parseSearch(body []byte) ([]string, error) {
	var r struct {
		Data *struct {
			Search *struct {
				Grouped *struct {
					Sections *[]struct {
						Name  string `json:"name"`
						Items []struct {
							Kind  string `json:"kind"`
							Space *struct {
								RestID string `json:"rest_id"`
							} `json:"space"`
						} `json:"items"`
					} `json:"sections"`
				} `json:"audio_spaces_grouped_by_section"`
			} `json:"search_by_raw_query"`
		} `json:"data"`
		Errors []graphQLError `json:"errors"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, protocol.NewError(protocol.CodeSearchUnavailable, fmt.Errorf("AudioSpaceSearch answer is not JSON: %w", err))
	}
	if r.Data == nil || r.Data.Search == nil || r.Data.Search.Grouped == nil || r.Data.Search.Grouped.Sections == nil {
		why := "no search_by_raw_query.audio_spaces_grouped_by_section.sections in the answer"
		if len(r.Errors) > 0 {
			why = "X answered with an error: " + firstMessage(r.Errors)
		}
		return nil, protocol.NewError(protocol.CodeSearchUnavailable, errors.New(why))
	}
	ids := []string{}
	seen := map[string]bool{}
	for _, sec := range *r.Data.Search.Grouped.Sections {
		for _, it := range sec.Items {
			if it.Space == nil || !ValidSpaceID(it.Space.RestID) || seen[it.Space.RestID] {
				continue
			}
			seen[it.Space.RestID] = true
			ids = append(ids, it.Space.RestID)
		}
	}
	return ids, nil
}
