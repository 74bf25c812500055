package fakex

import "strings"

// Stable ids of the DefaultSpaces catalog, one per quirk (see the package doc).
const (
	DemoID         = "1OyKAWgagpqJb"
	LegacyMasterID = "1RDGlAegVZmJL"
	TimedOutID     = "1vOxwjaWEPgJB"
	NoReplayID     = "1BRKjPnNrzAKw"
	NotStartedID   = "1kvJpvPLzRqGE"
	LiveID         = "1yNGaYdPkErKj"
	CanceledID     = "1mrGmkPkVzAJy"
	VideoID        = "1DXxyvXnDeOGM"
	HostileTitleID = "1zqKVPlQNeAxB"
	WrappedID      = "1MnGnkpWQAOGO"
	TWPrefixID     = "1YpKkgBNdmaKj"
	Playlist404ID  = "1jMJgLdVWjQxL"
	JunkID         = "1OwxWXgyRWaJQ"
	FlakyChunksID  = "1lPJqmdjPOExb"
	VideoAudioID   = "1xVdeoAudQxPm"
)

// HostileTitle is the title of HostileTitleID: path traversal, a NUL,
// a Windows device name, every character Windows forbids, an emoji, and
// more than 300 characters.
var HostileTitle = "../../etc/passwd\x00 CON <>:\"|?* 🎙️ " + strings.Repeat("0123456789", 30)

// demoCaptions are the demo Space's captions, in step with its default
// speaking schedule (each person 15 s in turn: host, Ada, Grace, host).
var demoCaptions = []CaptionSpec{
	{Who: 0, At: 1, Text: "Welcome to Keeping Spaces, a demo."},
	{Who: 0, At: 8, Text: "Everything said here is kept: audio, speakers and captions."},
	{Who: 1, At: 16, Text: "Thanks! I'll talk about engines."},
	{Who: 2, At: 31, Text: "And I'll talk about compilers."},
	{Who: 0, At: 46, Text: "That's all for today."},
}

// DefaultSpaces is the fixed catalog the demo, the fakex program and the
// browser tests use. Every call returns a fresh copy.
func DefaultSpaces() []SpaceSpec {
	keeper := func(s SpaceSpec) SpaceSpec {
		if s.HostName == "" {
			s.HostName, s.HostHandle = "Space Keeper", "spacekeeper"
		}
		return s
	}
	speakers := []Participant{{"Ada Lovelace", "ada"}, {"Grace Hopper", "grace"}}
	return []SpaceSpec{
		keeper(SpaceSpec{ID: DemoID, Title: "Keeping Spaces: a demo", State: StateEnded, Replayable: true,
			CreatorShape: CreatorCore, Chunks: 20, Speakers: speakers, TotalLiveListeners: 42, TotalReplayWatched: 7,
			Captions: demoCaptions}),
		{ID: LegacyMasterID, Title: "Legacy creator, errors next to data, master playlist", State: StateEnded, Replayable: true,
			HostName: "Old Timer", HostHandle: "oldtimer", CreatorShape: CreatorLegacy, DataWithErrors: true,
			PlaylistShape: ShapeMaster, Chunks: 12},
		keeper(SpaceSpec{ID: TimedOutID, Title: "The host dropped, the replay stayed", State: StateTimedOut, Replayable: true, Chunks: 10}),
		keeper(SpaceSpec{ID: NoReplayID, Title: "Ended without a replay", State: StateEnded, Replayable: false, Chunks: 10}),
		keeper(SpaceSpec{ID: NotStartedID, Title: "Scheduled for tomorrow", State: StateNotStarted}),
		keeper(SpaceSpec{ID: LiveID, Title: "Live right now", State: StateRunning, Chunks: 6, Speakers: speakers, TotalLiveListeners: 12}),
		keeper(SpaceSpec{ID: CanceledID, Title: "Cancelled before it began", State: StateCanceled}),
		keeper(SpaceSpec{ID: VideoID, Title: "A Space with video, no audio-only variant", State: StateEnded, Replayable: true, PlaylistShape: ShapeVideo, Chunks: VideoChunks}),
		keeper(SpaceSpec{ID: VideoAudioID, Title: "A Space with video and an audio-only variant", State: StateEnded, Replayable: true, PlaylistShape: ShapeVideoMaster, Chunks: VideoChunks}),
		keeper(SpaceSpec{ID: HostileTitleID, Title: HostileTitle, State: StateEnded, Replayable: true, Chunks: 5}),
		keeper(SpaceSpec{ID: WrappedID, Title: "Wrapped playlist location", State: StateEnded, Replayable: true, PlaylistShape: ShapeWrapped, Chunks: 8}),
		keeper(SpaceSpec{ID: TWPrefixID, Title: "tw_ playlist prefix", State: StateEnded, Replayable: true, PlaylistShape: ShapeTWPrefix, Chunks: 8}),
		keeper(SpaceSpec{ID: Playlist404ID, Title: "Just ended: playlist 404s at first", State: StateEnded, Replayable: true, Playlist404s: 2, Chunks: 8}),
		keeper(SpaceSpec{ID: JunkID, Title: "Junk before the ID3 tags", State: StateEnded, Replayable: true, JunkEvery: 3, Chunks: 9}),
		keeper(SpaceSpec{ID: FlakyChunksID, Title: "Flaky CDN: 5xx, resets, short bodies", State: StateEnded, Replayable: true,
			FailEvery: 4, ResetEvery: 5, ShortEvery: 7, Chunks: 14}),
	}
}
