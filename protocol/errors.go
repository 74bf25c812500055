package protocol

import (
	"errors"
	"fmt"
	"strings"
	"syscall"
)

// Code is a stable error code. Codes are only ever added, never renamed:
// the extension and scripts match on them.
type Code string

// The error codes. Each has a default message a person can act on (see Messages).
const (
	CodeAuth          Code = "auth_required"   // no or bad x.com cookies
	CodeForbidden     Code = "forbidden"       // X refused: private Space or ct0 mismatch
	CodeNotFound      Code = "not_found"       // no such Space
	CodeNotReplayable Code = "not_replayable"  // ended without a replay
	CodeNotStarted    Code = "not_started"     // scheduled, not yet live
	CodeLive          Code = "live"            // live: recording live Spaces is not supported yet
	CodeVideoSpace    Code = "video_space"     // a Space with video whose sound could not be had
	CodeRateLimited   Code = "rate_limited"    // X said 429 for too long
	CodeNetwork       Code = "network"         // could not reach X or its CDN
	CodeBadPlaylist   Code = "bad_playlist"    // the HLS playlist could not be understood
	CodeFFmpegMissing Code = "ffmpeg_missing"  // ffmpeg not found
	CodeFFmpegFailed  Code = "ffmpeg_failed"   // ffmpeg failed or wrote a bad file
	CodeDisk          Code = "disk"            // could not write to the output or cache folder
	CodeCancelled     Code = "cancelled"       // the user cancelled
	CodeBadRequest    Code = "bad_request"     // a malformed request or argument
	CodeUnknownType   Code = "unknown_type"    // an unknown request type
	CodeUnknownJob    Code = "unknown_job"     // no job with that id
	CodeFrameTooLarge Code = "frame_too_large" // a frame over the size limit
	CodeAPIChanged    Code = "api_changed"     // X's API answered in a way we do not understand
	CodeInternal      Code = "internal"        // a bug in spacekeep
	CodeBusy          Code = "busy"            // another spacekeep is downloading this Space
	// X's Space search refused or answered in a shape spacekeep cannot
	// read: not "no Spaces".
	CodeSearchUnavailable Code = "search_unavailable"
	// A file of spacekeep's settings folder (settings, watch list,
	// topics) is there but cannot be understood; it is left as it is.
	CodeDamagedFile Code = "damaged_file"
)

// Messages holds the default, actionable message for each code.
var Messages = map[Code]string{
	CodeAuth:              "Log in to x.com in this browser, then try again.",
	CodeForbidden:         "X refused access to this Space: it may be private, or your x.com session is stale. Reload x.com and try again.",
	CodeNotFound:          "This Space does not exist or was deleted. Check the link.",
	CodeNotReplayable:     "This Space has ended and its host did not keep a replay, so there is nothing to download.",
	CodeNotStarted:        "This Space has not started yet. Try again once it is live or has ended.",
	CodeLive:              "This Space is live. Its replay can be downloaded once it ends (if the host keeps one).",
	CodeVideoSpace:        "This Space has video, and X served no sound spacekeep can read.",
	CodeRateLimited:       "X is rate-limiting this account. Wait a few minutes, then try again.",
	CodeNetwork:           "Could not reach X. Check your connection and try again; the download resumes where it stopped.",
	CodeBadPlaylist:       "X sent a playlist spacekeep could not read. Try again later; if it persists, report it.",
	CodeFFmpegMissing:     "ffmpeg, needed for mp3 and to keep the picture of a Space with video (--video), was not found. Install it (apt install ffmpeg, brew install ffmpeg, winget install ffmpeg), pass --ffmpeg PATH, or choose m4a without --video.",
	CodeFFmpegFailed:      "ffmpeg could not build the audio file. Run 'spacekeep doctor' to check your ffmpeg.",
	CodeDisk:              "Could not write the file. Check that the output folder exists, is writable and has free space.",
	CodeCancelled:         "The download was cancelled. Start it again to resume.",
	CodeBadRequest:        "The request was malformed.",
	CodeUnknownType:       "Unknown request type: update the extension and the host to the same version.",
	CodeUnknownJob:        "No such download.",
	CodeFrameTooLarge:     "A message was too large.",
	CodeAPIChanged:        "X's API changed in a way spacekeep does not understand yet. Update spacekeep.",
	CodeInternal:          "Something went wrong inside spacekeep. Please report it with the log file.",
	CodeSearchUnavailable: "X's Space search is not available to spacekeep right now (X refused it or changed it); this does not mean there are no such Spaces. Look on x.com: the popup lists the Spaces any x.com page shows.",
	CodeBusy:              "Another spacekeep (another browser, or the command line) is downloading this Space. Let it finish, or stop it, then start again: the download resumes where it stopped.",
	CodeDamagedFile:       "A file of spacekeep's settings (the settings, the watch list or the topics) is damaged and cannot be read. spacekeep leaves it as it is: fix it, or move it away to start anew.",
}

// Error is an error with a stable code. Message is for people; it never holds secrets.
type Error struct {
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Err is the underlying cause, for logs; it is not sent over the wire.
	Err error `json:"-"`
}

func (e *Error) Error() string {
	if e.Err != nil && !strings.Contains(e.Message, e.Err.Error()) {
		return e.Message + " (" + e.Err.Error() + ")"
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
// A %w verb wraps a cause as with fmt.Errorf.
func Errorf(code Code, format string, args ...any) *Error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: code, Message: err.Error(), Err: errors.Unwrap(err)}
}

// NewError returns an *Error with the code's default message and an optional cause.
func NewError(code Code, cause error) *Error {
	return &Error{Code: code, Message: Messages[code], Err: cause}
}

// CodeOf returns the code of the first *Error in err's chain, or CodeInternal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns err as an *Error, wrapping a plain error as CodeInternal.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: CodeInternal, Message: err.Error(), Err: err}
}

// Codes lists every code in the order PROTOCOL.md and testdata/codes.json
// show them. New codes are appended.
var Codes = []Code{
	CodeAuth, CodeForbidden, CodeNotFound, CodeNotReplayable, CodeNotStarted,
	CodeLive, CodeVideoSpace, CodeRateLimited, CodeNetwork, CodeBadPlaylist,
	CodeFFmpegMissing, CodeFFmpegFailed, CodeDisk, CodeCancelled, CodeBadRequest,
	CodeUnknownType, CodeUnknownJob, CodeFrameTooLarge, CodeAPIChanged, CodeInternal,
	CodeBusy, CodeSearchUnavailable, CodeDamagedFile,
}

// ExitCodes maps each code to the exit status of a CLI command that fails
// with it, so scripts can tell failures apart. 0 is success, 1 a generic
// failure, 2 a usage error; 130 follows the shell's convention for Ctrl-C.
var ExitCodes = map[Code]int{
	CodeAuth:              3,
	CodeForbidden:         4,
	CodeNotFound:          5,
	CodeNotReplayable:     6,
	CodeNotStarted:        7,
	CodeLive:              8,
	CodeVideoSpace:        9,
	CodeRateLimited:       10,
	CodeNetwork:           11,
	CodeBadPlaylist:       12,
	CodeFFmpegMissing:     13,
	CodeFFmpegFailed:      14,
	CodeDisk:              15,
	CodeAPIChanged:        16,
	CodeCancelled:         130,
	CodeBadRequest:        2,
	CodeUnknownType:       2,
	CodeUnknownJob:        2,
	CodeFrameTooLarge:     1,
	CodeInternal:          1,
	CodeBusy:              18,
	CodeSearchUnavailable: 19,
	CodeDamagedFile:       20,
}

// ExitCode returns the CLI exit status for err: 0 for nil, else the status
// of its code (1 for a code without one).
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	if n, ok := ExitCodes[CodeOf(err)]; ok {
		return n
	}
	return 1
}

// DiskError wraps a failed file operation as a CodeDisk error, saying so
// plainly when the disk is full.
func DiskError(what string, err error) *Error {
	msg := Messages[CodeDisk]
	if errors.Is(err, syscall.ENOSPC) {
		msg = "The disk is full. Free some space, then start the download again: it resumes where it stopped."
	}
	return &Error{Code: CodeDisk, Message: msg, Err: fmt.Errorf("%s: %w", what, err)}
}
