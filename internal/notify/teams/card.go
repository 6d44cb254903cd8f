package teams

import (
	"encoding/json"
	"strconv"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// Teams takes messages up to about 28 KB; the card is built to stay well
// under, cutting the event excerpt first.
const (
	MaxMessageBytes = 28 << 10
	maxEventBytes   = 12 << 10
	maxTextRunes    = 2000
	CardVersion     = "1.4" // the newest version every Teams client renders
	ContentType     = "application/vnd.microsoft.card.adaptive"
	CardSchema      = "http://adaptivecards.io/schemas/adaptive-card.json"
)

// Message is the envelope Teams webhooks accept.
type Message struct {
	Type        string       `json:"type"` // "message"
	Attachments []Attachment `json:"attachments"`
}

// Attachment holds one card.
type Attachment struct {
	ContentType string  `json:"contentType"`
	ContentURL  *string `json:"contentUrl"` // null, as Teams' samples send it
	Content     Card    `json:"content"`
}

// Card is an Adaptive Card.
type Card struct {
	Schema  string    `json:"$schema"`
	Type    string    `json:"type"` // "AdaptiveCard"
	Version string    `json:"version"`
	Body    []Element `json:"body"`
	Actions []Action  `json:"actions,omitempty"`
	MSTeams *MSTeams  `json:"msteams,omitempty"`
}

// MSTeams holds Teams-only card options.
type MSTeams struct {
	Width string `json:"width,omitempty"`
}

// Element is a TextBlock (rootwatch's own words only: TextBlock renders
// Markdown) or a RichTextBlock, whose TextRuns render their text as it is
// ("Markdown is not supported", Adaptive Cards schema, TextRun). Every
// value an attacker can influence goes in a TextRun, so an alias like
// "[Reset MFA](https://evil)" or "**URGENT**" shows as those characters.
// (FactSet is not used: Teams renders Markdown in Fact.Title and
// Fact.Value.)
type Element struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	Size     string    `json:"size,omitempty"`
	Weight   string    `json:"weight,omitempty"`
	IsSubtle bool      `json:"isSubtle,omitempty"`
	Wrap     bool      `json:"wrap,omitempty"`
	Inlines  []TextRun `json:"inlines,omitempty"`
}

// TextRun is a run of literal text inside a RichTextBlock.
type TextRun struct {
	Type     string `json:"type"` // "TextRun"
	Text     string `json:"text"`
	Size     string `json:"size,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Color    string `json:"color,omitempty"`
	FontType string `json:"fontType,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
}

// literal is a RichTextBlock of runs.
func literal(runs ...TextRun) Element {
	for i := range runs {
		runs[i].Type = "TextRun"
	}
	return Element{Type: "RichTextBlock", Inlines: runs}
}

// Action is an Action.OpenUrl.
type Action struct {
	Type  string `json:"type"`
	Title string `json:"title"`
	URL   string `json:"url"`
}

// NewMessage builds the card for a.
func NewMessage(a alert.Alert) Message {
	color := "Default"
	switch a.Severity {
	case alert.SeverityCritical:
		color = "Attention"
	case alert.SeverityWarning:
		color = "Warning"
	}
	body := []Element{
		literal(TextRun{Text: format.Truncate(format.Headline(a), 200), Size: "Large", Weight: "Bolder", Color: color}),
		literal(TextRun{Text: format.Subject(a, format.MaxSubject), IsSubtle: true}),
	}
	if s := format.OneLine(a.Summary); s != "" {
		body = append(body, literal(TextRun{Text: format.Truncate(s, maxTextRunes)}))
	}
	for _, f := range format.Facts(a) {
		body = append(body, literal(
			TextRun{Text: format.Truncate(f.Label, 100) + ": ", Weight: "Bolder"},
			TextRun{Text: format.Truncate(f.Value, 500)}))
	}
	if len(a.Events) > 0 {
		body = append(body,
			Element{Type: "TextBlock", Text: "Event 1 of " + strconv.Itoa(len(a.Events)), Weight: "Bolder"},
			literal(TextRun{Text: format.TruncateBytes(format.IndentJSON(a.Events[0]), maxEventBytes), FontType: "Monospace"}))
	}
	card := Card{Schema: CardSchema, Type: "AdaptiveCard", Version: CardVersion, Body: body, MSTeams: &MSTeams{Width: "Full"}}
	if link := format.ConsoleLink(a); link != "" {
		card.Actions = []Action{{Type: "Action.OpenUrl", Title: "Open in AWS console", URL: link}}
	}
	return fit(Message{Type: "message", Attachments: []Attachment{{ContentType: ContentType, Content: card}}})
}

// fit keeps the message under MaxMessageBytes, giving up the event
// excerpt first, then the length of each fact, then the later facts:
// Teams rejects the whole message rather than cutting it.
func fit(m Message) Message {
	size := func() int {
		b, _ := json.Marshal(m)
		return len(b)
	}
	card := &m.Attachments[0].Content
	if size() <= MaxMessageBytes {
		return m
	}
	runs := func(f func(r *TextRun)) {
		for i := range card.Body {
			for j := range card.Body[i].Inlines {
				f(&card.Body[i].Inlines[j])
			}
		}
	}
	runs(func(r *TextRun) {
		if r.FontType == "Monospace" {
			r.Text = "(event too large for Teams; see the email, SNS or webhook copy)"
		}
	})
	for limit := 200; size() > MaxMessageBytes && limit >= 20; limit /= 2 {
		runs(func(r *TextRun) { r.Text = format.Truncate(r.Text, limit) })
	}
	for size() > MaxMessageBytes && len(card.Body) > 3 {
		card.Body = card.Body[:len(card.Body)-1] // the last facts; the title and subject stay
	}
	return m
}
