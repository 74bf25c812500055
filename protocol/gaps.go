package protocol

// Gap is a stretch of a live recording that is missing from the file: X's
// sliding window moved past its chunks before they were read (the computer
// slept, the network stalled) and neither the whole list nor the replay
// held them afterwards.
type Gap struct {
	// StartS is where in the file the audio jumps, in seconds from its start.
	StartS float64 `json:"start_s"`
	// DurationS is how much audio is missing there (estimated: chunks times
	// their mean length).
	DurationS float64 `json:"duration_s"`
	// Chunks is how many chunks are missing there.
	Chunks int `json:"chunks"`
}

// ExitIncomplete is the CLI's exit status when the file was written but
// is missing audio (a job.done with gaps): neither 0 (complete) nor a
// failure's status (nothing kept).
const ExitIncomplete = 17
