package event

import "strings"

// aiPrice is a model's list price in US dollars per million tokens.
type aiPrice struct {
	model         string // a model id, or the start of dated ids ("gpt-4.1-nano" for "gpt-4.1-nano-2025-04-14")
	input, output float64
}

// aiPrices is a small table of list prices, as published by the providers
// (standard tier, no caching or batch discounts), checked 2025-06:
// OpenAI https://openai.com/api/pricing/ and https://platform.openai.com/docs/pricing,
// Anthropic https://www.anthropic.com/pricing#api,
// Google https://ai.google.dev/gemini-api/docs/pricing.
// A model not listed gets no cost (never a guess). Longer names first where
// one starts another.
var aiPrices = []aiPrice{
	{"gpt-4.1-nano", 0.10, 0.40},
	{"gpt-4.1-mini", 0.40, 1.60},
	{"gpt-4.1", 2.00, 8.00},
	{"gpt-4o-mini", 0.15, 0.60},
	{"gpt-4o", 2.50, 10.00},
	{"o4-mini", 1.10, 4.40},
	{"o3-mini", 1.10, 4.40},
	{"o3", 2.00, 8.00},
	{"gpt-3.5-turbo", 0.50, 1.50},
	{"text-embedding-3-small", 0.02, 0},
	{"text-embedding-3-large", 0.13, 0},
	{"claude-opus-4", 15.00, 75.00},
	{"claude-sonnet-4", 3.00, 15.00},
	{"claude-3-7-sonnet", 3.00, 15.00},
	{"claude-3-5-sonnet", 3.00, 15.00},
	{"claude-3-5-haiku", 0.80, 4.00},
	{"claude-3-haiku", 0.25, 1.25},
	{"gemini-2.5-pro", 1.25, 10.00},
	{"gemini-2.5-flash", 0.30, 2.50},
	{"gemini-2.0-flash", 0.10, 0.40},
}

// cost is what the tokens cost at the model's list price; nil when the
// model is not in the table or no tokens are known.
func cost(model string, input, output int) *float64 {
	if input == 0 && output == 0 {
		return nil
	}
	m := strings.ToLower(model)
	if i := strings.LastIndexByte(m, '/'); i >= 0 { // "openai/gpt-4o"
		m = m[i+1:]
	}
	for _, p := range aiPrices {
		if m == p.model || strings.HasPrefix(m, p.model+"-") {
			c := (float64(input)*p.input + float64(output)*p.output) / 1e6
			return &c
		}
	}
	return nil
}
