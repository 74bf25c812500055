// Package xapi is spacekeep's X client: it asks X's web API about a Space
// (AudioSpaceById, then live_video_stream/status) with the user's session
// cookies, and turns the playlist location X answers into the URL of the
// recording. Everything that breaks when X changes lives here, so that the
// HLS and merge code never has to change with it.
package xapi
