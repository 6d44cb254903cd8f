package teams

import (
	"bytes"
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

// Element is a TextBlock or a FactSet.
type Element struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Size     string `json:"size,omitempty"`
	Weight   string `json:"weight,omitempty"`
	Color    string `json:"color,omitempty"`
	FontType string `json:"fontType,omitempty"`
	IsSubtle bool   `json:"isSubtle,omitempty"`
	Wrap     bool   `json:"wrap,omitempty"`
	Facts    []Fact `json:"facts,omitempty"`
}

// Fact is a FactSet row.
type Fact struct {
	Title string `json:"title"`
	Value string `json:"value"`
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
		{Type: "TextBlock", Text: format.Truncate(format.Headline(a), 200), Size: "Large", Weight: "Bolder", Color: color, Wrap: true},
		{Type: "TextBlock", Text: format.Subject(a, format.MaxSubject), IsSubtle: true, Wrap: true},
	}
	if a.Summary != "" {
		body = append(body, Element{Type: "TextBlock", Text: format.Truncate(a.Summary, maxTextRunes), Wrap: true})
	}
	var facts []Fact
	for _, f := range format.Facts(a) {
		facts = append(facts, Fact{Title: format.Truncate(f.Label, 100), Value: format.Truncate(f.Value, 500)})
	}
	if len(facts) > 0 {
		body = append(body, Element{Type: "FactSet", Facts: facts})
	}
	if len(a.Events) > 0 {
		var buf bytes.Buffer
		if err := json.Indent(&buf, a.Events[0], "", "  "); err != nil {
			buf.Reset()
			buf.Write(a.Events[0])
		}
		body = append(body,
			Element{Type: "TextBlock", Text: "Event 1 of " + strconv.Itoa(len(a.Events)), Weight: "Bolder"},
			Element{Type: "TextBlock", Text: format.TruncateBytes(buf.String(), maxEventBytes), FontType: "Monospace", Wrap: true})
	}
	card := Card{Schema: CardSchema, Type: "AdaptiveCard", Version: CardVersion, Body: body, MSTeams: &MSTeams{Width: "Full"}}
	if link := format.ConsoleLink(a); link != "" {
		card.Actions = []Action{{Type: "Action.OpenUrl", Title: "Open in AWS console", URL: link}}
	}
	return fit(Message{Type: "message", Attachments: []Attachment{{ContentType: ContentType, Content: card}}})
}

// fit keeps the message under MaxMessageBytes, giving up the event
// excerpt first and then the length of each fact: Teams rejects the whole
// message rather than cutting it.
func fit(m Message) Message {
	size := func() int {
		b, _ := json.Marshal(m)
		return len(b)
	}
	card := &m.Attachments[0].Content
	if size() <= MaxMessageBytes {
		return m
	}
	for i := len(card.Body) - 1; i >= 0; i-- {
		if card.Body[i].FontType == "Monospace" {
			card.Body[i].Text = "(event too large for Teams; see the email, SNS or webhook copy)"
		}
	}
	for limit := 200; size() > MaxMessageBytes && limit >= 20; limit /= 2 {
		for i := range card.Body {
			card.Body[i].Text = format.Truncate(card.Body[i].Text, max(limit, 200))
			for j := range card.Body[i].Facts {
				card.Body[i].Facts[j].Value = format.Truncate(card.Body[i].Facts[j].Value, limit)
			}
		}
	}
	for size() > MaxMessageBytes {
		shrunk := false
		for i := range card.Body {
			if n := len(card.Body[i].Facts); n > 1 {
				card.Body[i].Facts = card.Body[i].Facts[:n/2]
				shrunk = true
			}
		}
		if !shrunk {
			break // nothing left to give up; the texts are bounded well below the limit
		}
	}
	return m
}
