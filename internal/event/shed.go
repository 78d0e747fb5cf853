package event

import "github.com/spotlight-dev/spotlight/internal/buffer"

// Details held for an error only while one is read: breadcrumbs, request,
// user, contexts and extra are most of a decoded browser error (a 130 KB
// envelope decodes to ≈125 KB, 85 % of it breadcrumbs), are shown only by
// its detail, and are not searched. The store keeps errors without them and
// decodes them again from the held envelope (kept by the buffer, packed)
// when a record is read with Get. What lists, search, groups and the feed
// use stays decoded.

// shedDetails drops those details from d's errors and recounts its size.
func (d *Decoded) shedDetails() {
	for i := range d.Records {
		e := d.Records[i].Error
		if e == nil || (e.Breadcrumbs == nil && e.Request == nil && e.User == nil && e.Contexts == nil && e.Extra == nil) {
			continue
		}
		e.Breadcrumbs, e.Request, e.User, e.Contexts, e.Extra = nil, nil, nil, nil, nil
		e.shed = true
	}
	d.Bytes = sizeOf(d)
}

// restoreDetails decodes entry's envelope again for the details of r, its
// n-th record, that shedDetails dropped. r is a copy: the held record stays
// without them.
func (s *Store) restoreDetails(r *Record, entry *buffer.Entry, n int) {
	env := entry.Envelope()
	if env == nil {
		return
	}
	d := s.dec.Decode(env, Meta{ID: entry.ID, Received: entry.Received, UserAgent: entry.UserAgent})
	if n >= len(d.Records) || d.Records[n].Error == nil {
		return
	}
	full, e := d.Records[n].Error, *r.Error
	e.Breadcrumbs, e.Request, e.User, e.Contexts, e.Extra = full.Breadcrumbs, full.Request, full.User, full.Contexts, full.Extra
	e.shed = false
	r.Error = &e
}
