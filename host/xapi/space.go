package xapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/spacekeep/spacekeep/protocol"
)

// States a Space can be in, as X names them.
const (
	StateNotStarted = "NotStarted"
	StateRunning    = "Running"
	StateEnded      = "Ended"
	StateTimedOut   = "TimedOut"
	StateCanceled   = "Canceled"
)

// User is a Space's host or participant.
type User struct {
	ID          string `json:"id,omitempty"`
	Name        string `json:"name,omitempty"`
	Handle      string `json:"handle,omitempty"`
	AvatarURL   string `json:"avatar_url,omitempty"`
	PeriscopeID string `json:"periscope_id,omitempty"`
}

// Space is what X says about a Space.
type Space struct {
	ID                 string    `json:"id"`
	MediaKey           string    `json:"media_key"`
	Title              string    `json:"title"`
	State              string    `json:"state"`
	Replayable         bool      `json:"replayable"`
	Creator            User      `json:"host"`
	Admins             []User    `json:"admins,omitempty"`
	Speakers           []User    `json:"speakers,omitempty"`
	Listeners          []User    `json:"listeners,omitempty"`
	Topics             []string  `json:"topics,omitempty"`
	ParticipantsTotal  int       `json:"participants_total,omitempty"`
	TotalLiveListeners int       `json:"total_live_listeners"`
	ParticipantCount   int       `json:"participant_count,omitempty"` // in some answers (X-FACTS §11)
	TotalReplayWatched int       `json:"total_replay_watched"`
	CreatedAt          time.Time `json:"created_at,omitzero"`
	ScheduledStart     time.Time `json:"scheduled_start,omitzero"`
	StartedAt          time.Time `json:"started_at,omitzero"`
	EndedAt            time.Time `json:"ended_at,omitzero"`
	UpdatedAt          time.Time `json:"updated_at,omitzero"`
}

// Date is the day the Space took place: its start, else its schedule, else its creation.
func (s *Space) Date() time.Time {
	for _, t := range []time.Time{s.StartedAt, s.ScheduledStart, s.CreatedAt} {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// msTime reads a millisecond timestamp that X sends as a number or, for
// ended_at, as a string.
type msTime time.Time

func (t *msTime) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" || s == "0" {
		return nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil {
			return nil // an odd timestamp is not worth failing a download for
		}
		ms = int64(f)
	}
	*t = msTime(time.UnixMilli(ms).UTC())
	return nil
}

// Wire shapes of AudioSpaceById, only the fields we use.
type audioSpaceResponse struct {
	Data *struct {
		AudioSpace *rawAudioSpace `json:"audioSpace"`
	} `json:"data"`
	Errors []graphQLError `json:"errors"`
}

type graphQLError struct {
	Code       int    `json:"code"`
	Message    string `json:"message"`
	Extensions struct {
		Name string `json:"name"`
		Code int    `json:"code"`
	} `json:"extensions"`
}

type rawAudioSpace struct {
	Metadata *struct {
		RestID         string `json:"rest_id"`
		State          string `json:"state"`
		Title          string `json:"title"`
		MediaKey       string `json:"media_key"`
		CreatedAt      msTime `json:"created_at"`
		ScheduledStart msTime `json:"scheduled_start"`
		StartedAt      msTime `json:"started_at"`
		EndedAt        msTime `json:"ended_at"`
		UpdatedAt      msTime `json:"updated_at"`
		Replayable     bool   `json:"is_space_available_for_replay"`
		TotalLive      int    `json:"total_live_listeners"`
		ParticipantCnt int    `json:"participant_count"`
		TotalReplay    int    `json:"total_replay_watched"`
		// Topics: the shape is our reading of the web client, not a verified sample.
		Topics []struct {
			Topic struct {
				Name string `json:"name"`
			} `json:"topic"`
		} `json:"topics"`
		CreatorResults struct {
			Result *rawUser `json:"result"`
		} `json:"creator_results"`
	} `json:"metadata"`
	Participants struct {
		Total     int              `json:"total"`
		Admins    []rawParticipant `json:"admins"`
		Speakers  []rawParticipant `json:"speakers"`
		Listeners []rawParticipant `json:"listeners"`
	} `json:"participants"`
}

type rawUser struct {
	RestID string `json:"rest_id"`
	Core   *struct {
		Name       string `json:"name"`
		ScreenName string `json:"screen_name"`
	} `json:"core"`
	Legacy *struct {
		Name                 string `json:"name"`
		ScreenName           string `json:"screen_name"`
		ProfileImageURLHTTPS string `json:"profile_image_url_https"`
	} `json:"legacy"`
	Avatar *struct {
		ImageURL string `json:"image_url"`
	} `json:"avatar"`
}

type rawParticipant struct {
	ScreenName  string `json:"twitter_screen_name"`
	DisplayName string `json:"display_name"`
	AvatarURL   string `json:"avatar_url"`
	PeriscopeID string `json:"periscope_user_id"`
	UserResults struct {
		RestID string `json:"rest_id"`
	} `json:"user_results"`
}

// user reads a creator: late 2025 moved name and handle from legacy to core.
func (r *rawUser) user() User {
	var u User
	if r == nil {
		return u
	}
	u.ID = r.RestID
	if r.Core != nil {
		u.Name, u.Handle = r.Core.Name, r.Core.ScreenName
	}
	if r.Legacy != nil {
		if u.Name == "" {
			u.Name = r.Legacy.Name
		}
		if u.Handle == "" {
			u.Handle = r.Legacy.ScreenName
		}
		u.AvatarURL = r.Legacy.ProfileImageURLHTTPS
	}
	if u.AvatarURL == "" && r.Avatar != nil {
		u.AvatarURL = r.Avatar.ImageURL
	}
	u.AvatarURL = BigAvatar(u.AvatarURL)
	return u
}

func (p rawParticipant) user() User {
	return User{ID: p.UserResults.RestID, Name: p.DisplayName, Handle: p.ScreenName, AvatarURL: p.AvatarURL, PeriscopeID: p.PeriscopeID}
}

// BigAvatar turns X's 48 px avatar URL into the 400 px one, for cover art.
func BigAvatar(u string) string {
	return strings.Replace(u, "_normal.", "_400x400.", 1)
}

func (r *rawAudioSpace) space(id string) *Space {
	m := r.Metadata
	s := &Space{
		ID:                 id,
		MediaKey:           m.MediaKey,
		Title:              m.Title,
		State:              m.State,
		Replayable:         m.Replayable,
		Creator:            m.CreatorResults.Result.user(),
		ParticipantsTotal:  r.Participants.Total,
		TotalLiveListeners: m.TotalLive,
		ParticipantCount:   m.ParticipantCnt,
		TotalReplayWatched: m.TotalReplay,
		CreatedAt:          time.Time(m.CreatedAt),
		ScheduledStart:     time.Time(m.ScheduledStart),
		StartedAt:          time.Time(m.StartedAt),
		EndedAt:            time.Time(m.EndedAt),
		UpdatedAt:          time.Time(m.UpdatedAt),
	}
	if m.RestID != "" {
		s.ID = m.RestID
	}
	for _, p := range r.Participants.Admins {
		s.Admins = append(s.Admins, p.user())
	}
	for _, p := range r.Participants.Speakers {
		s.Speakers = append(s.Speakers, p.user())
	}
	for _, p := range r.Participants.Listeners {
		s.Listeners = append(s.Listeners, p.user())
	}
	for _, t := range m.Topics {
		if t.Topic.Name != "" {
			s.Topics = append(s.Topics, t.Topic.Name)
		}
	}
	// Older answers lack creator_results; the first admin is the host.
	if s.Creator.Handle == "" && len(s.Admins) > 0 {
		s.Creator = s.Admins[0]
	}
	return s
}

// Status is the Space's state in neutral words (protocol.Status*): what the
// rest of spacekeep and the extension read instead of X's names.
func (s *Space) Status() string {
	switch s.State {
	case StateNotStarted:
		return protocol.StatusScheduled
	case StateRunning:
		return protocol.StatusLive
	case StateCanceled:
		return protocol.StatusCanceled
	}
	return protocol.StatusEnded // Ended, TimedOut (the host dropped), and any newer end
}
