// Package suggest finds the word a user most likely meant, for the "did you
// mean" of a mistyped command-line value.
//
// It is written here rather than imported: cobra keeps its edit distance
// unexported, and an edit distance over a handful of short words is a dozen
// lines that need no dependency.
package suggest

import "strings"

// maxDistance is how many edits a typo may be from what was meant: "lsit"
// and "jsn" are within it, an unrelated word is not.
const maxDistance = 2

// Closest is the candidate nearest to word (case-insensitive), or "" when
// none is within maxDistance edits.
func Closest(word string, candidates []string) string {
	word = strings.ToLower(word)
	best, bestDist := "", maxDistance+1
	for _, c := range candidates {
		if d := distance(word, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// DidYouMean is " (did you mean X?)" for the closest candidate, or "".
func DidYouMean(word string, candidates []string) string {
	if c := Closest(word, candidates); c != "" {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// distance is the Levenshtein distance of a and b, by bytes: command-line
// words here are ASCII.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
