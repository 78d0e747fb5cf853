package format

import "github.com/spotlight-dev/spotlight/internal/event"

// upstreamFields are the names upstream Spotlight's json and logfmt output
// use for what Fields already says in its own words, so scripts written for
// upstream keep working: the top frame as filename/lineno/colno/function,
// breadcrumb_length, user_id/user_email/user_username, a trace's
// transaction and description, every log attribute under its own key, and
// every tag under its own key (upstream flattens tags; a JavaScript SDK's
// runtime tag becomes "runtime"). A name Fields already uses keeps its own
// meaning (span_count counts the root span; message is always the summary),
// and a tag or attribute named like a field is left out here.
func upstreamFields(r *event.Record, have []Field) []Field {
	taken := make(map[string]bool, len(have))
	for _, f := range have {
		taken[f.Key] = true
	}
	var out fields
	add := func(key string, v any) {
		if key == "" || taken[key] {
			return
		}
		n := len(out)
		out.add(key, v)
		if len(out) > n {
			taken[out[n].Key] = true
		}
	}
	switch {
	case r.Error != nil:
		e := r.Error
		if fr := e.TopFrame(); fr != nil {
			add("filename", fr.File())
			add("lineno", fr.Lineno)
			add("colno", fr.Colno)
			add("function", fr.Function)
		}
		add("breadcrumb_length", len(e.Breadcrumbs))
		if u, ok := e.Identity(); ok {
			if u.ID != nil {
				add("user_id", u.ID)
			}
			add("user_email", u.Email)
			add("user_username", u.Username)
		}
	case r.Trace != nil:
		add("transaction", r.Trace.Name)
		if root := r.Trace.Root(); root != nil {
			add("description", root.Description)
		}
	case r.Log != nil:
		for _, a := range r.Log.Attributes {
			if k := plain(a.Key); !taken[k] {
				out = append(out, Field{k, attributeValue(a)})
				taken[k] = true
			}
		}
	}
	for _, t := range r.Tags {
		add(plain(t.Key), t.Value)
	}
	return out
}
