// Package fakex is a fake x.com API and a fake video CDN, served over real
// HTTP(S) on loopback, that reproduces the quirks of X described in
// X-FACTS.md, so that the downloader is tested against X as it behaves,
// not as one wishes it did. The engine's tests, `make demo`, the benchmarks
// and the browser end-to-end tests all use it.
//
// Two listeners: the API (x.com: GraphQL AudioSpaceById, the
// live_video_stream status, the Space pages that set the session cookies)
// and the CDN (playlists, chunks and avatars) on another port, that is
// another origin, so tests can prove no cookie ever went there.
//
// # API
//
// Every API call needs the public web bearer (BearerToken; else 401 code
// 89), a valid auth_token cookie (else 401 code 32) and x-csrf-token equal
// to the ct0 cookie (else 403 code 353). Options add the drift X shows:
// RequiredFeatures (400 code 336 naming the missing flags), DeadQueryIDs
// (404), RateLimitFirst (429 with x-rate-limit-reset). Unknown or removed
// Spaces answer 200 {"data":{"audioSpace":{}}}. The status endpoint
// answers 404 code 34 for NotStarted and Canceled Spaces; for an Ended
// Space without a replay it still answers, and its playlist still plays:
// the engine must decide by is_space_available_for_replay, and tests can
// assert on Requests and ChunkHits that it did not fetch anything.
//
// # CDN layout
//
// Paths are /Transcoding/v1/hls/<hash>/non_transcode/<region>/<bucket>/audio-space/<file>
// (the chunks and the original playlists) and
// /Transcoding/v1/hls/<hash>/transcode/<region>/<bucket>/<JWT>/audio-space/<file>
// (the master's variant playlist, whose relative chunk URIs resolve to a
// directory that has no chunks: the engine must map them back to
// non_transcode). Video Spaces leave out /audio-space and use .ts names.
// Every chunk is an ID3v2.4 tag (PRIV timestamp, TIT3, TXXX JSONMetadata,
// HydraParticipants, HydraAudioLevel) followed by testaudio chunk i%64, so
// a merged download can be checked with testaudio.Verify(file, Chunks).
// The audio is embedded (no ffmpeg); the first tag is padded so that a
// chunk weighs what X's do at 96 kbit/s. Like X's, chunks hold 140, 141 or
// 142 frames (2.987 to 3.029 s), and the playlists do not say so exactly:
// SpaceSpec.Extinf writes EXTINF rounded (3.000, the default), as an
// integer (3, VERSION 3) or exact. Every 5th chunk carries junk (a
// partial MPEG-TS header) before its tag unless JunkEvery says otherwise;
// LeanEvery serves chunks short of their EXTINF.
// More tags sit between the audio frames, about one a second, with the
// levels of a known speaking schedule (SpaceSpec.Talk, Away; hydra.go).
//
// # Chat service
//
// The API listener also serves the Periscope chat service (chat.go):
// POST /api/v2/accessChatPublic (answering an endpoint on itself) and
// POST /chatapi/v1/history, paged, holding SpaceSpec.Captions as X sends
// them: partials growing word by word while the words are spoken, the
// final once the sentence ends, an empty final where a new voice opens,
// among listener chat, reactions, joins and more empty finals.
// CaptionSpec.Spoken is the ground truth of when the words were said;
// TalkShow builds a long Space whose captions and speakers agree. ChatLoop
// makes the history's cursor loop. Its requests are logged with Listener
// "chat".
//
// # Live trouble
//
// SpaceSpec.LiveWindow makes a Running Space offer only a sliding window
// (every media playlist, the master's variant too, lists its last N chunks)
// until it ends, and Server.Stall(id, d) makes its CDN requests hang for d,
// as a suspended laptop or a stalled network does: together they make a
// recording miss chunks, so tests can prove the loss is found and filled
// from the replay, or reported.
//
// # Default catalog
//
// DefaultSpaces returns these Spaces; the ids are stable (constants in
// catalog.go). Hosts are "Space Keeper" @spacekeeper unless said.
//
//	id             state       replay  shape      chunks  quirk
//	1OyKAWgagpqJb  Ended       yes     replay     20      the demo: "Keeping Spaces: a demo", core creator, 2 speakers, 5 captions
//	1RDGlAegVZmJL  Ended       yes     master     12      legacy creator (Old Timer @oldtimer), data + "Dependency: Unspecified" errors
//	1vOxwjaWEPgJB  TimedOut    yes     replay     10      host dropped; still downloadable
//	1BRKjPnNrzAKw  Ended       no      replay     10      no replay: must be refused by is_space_available_for_replay
//	1kvJpvPLzRqGE  NotStarted  no      -          0       scheduled_start tomorrow, no started_at
//	1yNGaYdPkErKj  Running     no      live       6+      live: dynamic_playlist window of 4, a new chunk every 3.008 s (the mean)
//	1mrGmkPkVzAJy  Canceled    no      -          0       cancelled
//	1DXxyvXnDeOGM  Ended       yes     video      4       master_dynamic_*.m3u8: two video variants, no audio-only one; real MPEG-TS chunks (video.go)
//	1xVdeoAudQxPm  Ended       yes     video_master 4     master_master_playlist.m3u8: audio-only variant between two video ones
//	1zqKVPlQNeAxB  Ended       yes     replay     5       hostile title: ../../etc/passwd, NUL, CON, <>:"|?*, emoji, 300+ chars
//	1MnGnkpWQAOGO  Ended       yes     wrapped    8       location wrapped in twitter.com/i/live_video_stream/authorized_status/...?url=
//	1YpKkgBNdmaKj  Ended       yes     tw_prefix  8       tw_playlist_<n>.m3u8 (no playlist_<n>.m3u8 exists)
//	1jMJgLdVWjQxL  Ended       yes     replay     8       first 2 playlist requests answer 404
//	1OwxWXgyRWaJQ  Ended       yes     replay     9       every 3rd chunk has a partial MPEG-TS header before its ID3 tag
//	1lPJqmdjPOExb  Ended       yes     replay     14      first try: every 4th chunk 503, every 5th reset mid-body, every 7th short
package fakex
