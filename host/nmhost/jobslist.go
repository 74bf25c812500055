package nmhost

import (
	"encoding/json"

	"github.com/spacekeep/spacekeep/protocol"
)

// pageBytes bounds a jobs.list page's jobs, well under the frame limit
// (the reply's envelope adds little).
const pageBytes = protocol.MaxOutgoing * 3 / 4

// jobsList answers jobs.list one page at a time: the whole list of a host
// that has run thousands of jobs would not fit in a frame.
func (s *session) jobsList(payload json.RawMessage) (any, error) {
	var q protocol.JobsListQuery
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &q); err != nil {
			return nil, protocol.Errorf(protocol.CodeBadRequest, "malformed payload: %w", err)
		}
	}
	if q.Limit < 0 {
		return nil, protocol.Errorf(protocol.CodeBadRequest, "jobs.list limit %d is negative", q.Limit)
	}
	return page(s.d.List(), q), nil
}

// page cuts one page out of all, oldest first.
func page(all []protocol.JobStatus, q protocol.JobsListQuery) protocol.JobsList {
	limit := q.Limit
	if limit <= 0 || limit > protocol.JobsPageMax {
		limit = protocol.JobsPageMax
	}
	start := 0
	if q.After != "" {
		for i, j := range all {
			if j.Job == q.After {
				start = i + 1
				break
			}
		}
	}
	start = min(start, len(all))
	jobs := all[start:min(start+limit, len(all))]
	// Jobs with long paths and titles: fewer per page, never too many bytes.
	for len(jobs) > 1 && size(jobs) > pageBytes {
		jobs = jobs[:len(jobs)/2]
	}
	res := protocol.JobsList{Jobs: append([]protocol.JobStatus{}, jobs...)}
	if start+len(jobs) < len(all) {
		res.Next = jobs[len(jobs)-1].Job
	}
	return res
}

func size(jobs []protocol.JobStatus) int {
	b, err := json.Marshal(jobs)
	if err != nil {
		return 0
	}
	return len(b)
}
