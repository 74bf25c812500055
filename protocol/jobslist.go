package protocol

// JobsListQuery is the optional payload of jobs.list: one page of the jobs,
// oldest first. A reply holds at most Limit jobs (0 or more than
// JobsPageMax means JobsPageMax), those after the job After (from the
// start when empty, or when that job is no longer known); its Next is the
// After of the next page, absent on the last one.
type JobsListQuery struct {
	Limit int    `json:"limit,omitempty"`
	After string `json:"after,omitempty"`
}

// JobsPageMax bounds a jobs.list page, so that a reply always fits in a
// frame.
const JobsPageMax = 100
