package slack

import (
	"strconv"
	"strings"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// Block Kit limits (docs.slack.dev/reference/block-kit): header text 150
// characters, section text 3000, up to 10 fields of 2000, button text 75
// and URL 3000, 10 context elements, 50 blocks per message; the message
// text 40,000. The rich_text code block keeps to the section limit.
const (
	MaxHeader      = 150
	MaxSectionText = 3000
	MaxFields      = 10
	MaxFieldText   = 2000
	MaxButtonText  = 75
	MaxURL         = 3000
	MaxBlocks      = 50
	MaxMessageText = 40000 // the top-level text (chat.postMessage: truncated beyond)
)

// Message is an incoming-webhook payload.
type Message struct {
	Text string `json:"text"`
	// Mrkdwn false keeps Slack from formatting the fallback text, which
	// holds the subject (attacker-influenced); blocks decide their own.
	Mrkdwn    *bool   `json:"mrkdwn,omitempty"`
	Blocks    []Block `json:"blocks"`
	Channel   string  `json:"channel,omitempty"`
	Username  string  `json:"username,omitempty"`
	IconEmoji string  `json:"icon_emoji,omitempty"`
}

// Block is one layout block (header, section, rich_text, actions,
// context); only the fields its type uses are set.
type Block struct {
	Type     string `json:"type"`
	Text     *Text  `json:"text,omitempty"`
	Fields   []Text `json:"fields,omitempty"`
	Elements []any  `json:"elements,omitempty"` // Text in context blocks, Button in actions blocks, Preformatted in rich_text
}

// Text is a composition text object.
type Text struct {
	Type  string `json:"type"` // plain_text or mrkdwn
	Text  string `json:"text"`
	Emoji bool   `json:"emoji,omitempty"`
}

// Button is a link button.
type Button struct {
	Type string `json:"type"` // button
	Text Text   `json:"text"`
	URL  string `json:"url"`
}

// Preformatted is a rich_text_preformatted element: a code block whose
// text elements Slack shows literally, with no mrkdwn parsing, so a "```"
// inside an event cannot close the block and format what follows.
type Preformatted struct {
	Type     string        `json:"type"` // rich_text_preformatted
	Elements []RichTextRun `json:"elements"`
}

// RichTextRun is a rich_text "text" element.
type RichTextRun struct {
	Type string `json:"type"` // text
	Text string `json:"text"`
}

// NewMessage lays out a: header, summary, facts (as section fields), the
// first event, a console button and a context line with the alert ID.
//
// Every value an attacker can influence is in a plain_text object or a
// rich_text text element, which Slack never parses as mrkdwn: no
// "<https://evil|Reset MFA>" link, no "*bold*", no "<!channel>", no
// auto-linked URL. The fallback text is not mrkdwn either, and is
// escaped as Slack asks for every text (& < >).
func NewMessage(a alert.Alert) Message {
	off := false
	m := Message{Text: escape(format.Subject(a, 200)), Mrkdwn: &off}
	m.Blocks = append(m.Blocks, Block{Type: "header",
		Text: plain(format.Headline(a), MaxHeader)})
	if s := format.OneLine(a.Summary); s != "" {
		m.Blocks = append(m.Blocks, Block{Type: "section", Text: plain(s, MaxSectionText)})
	}
	facts := format.Facts(a)
	for len(facts) > 0 && len(m.Blocks) < MaxBlocks-3 {
		n := min(len(facts), MaxFields)
		b := Block{Type: "section"}
		for _, f := range facts[:n] {
			b.Fields = append(b.Fields, *plain(f.Label+"\n"+f.Value, MaxFieldText))
		}
		m.Blocks = append(m.Blocks, b)
		facts = facts[n:]
	}
	if len(a.Events) > 0 {
		head := "Event 1 of " + strconv.Itoa(len(a.Events)) + ":\n"
		m.Blocks = append(m.Blocks, Block{Type: "rich_text", Elements: []any{Preformatted{
			Type: "rich_text_preformatted",
			Elements: []RichTextRun{{Type: "text",
				Text: truncateEscaped(head+format.IndentJSON(a.Events[0]), MaxSectionText)}},
		}}})
	}
	if link := format.ConsoleLink(a); link != "" && len(link) <= MaxURL {
		m.Blocks = append(m.Blocks, Block{Type: "actions", Elements: []any{Button{
			Type: "button", Text: Text{Type: "plain_text", Text: "Open in AWS console"}, URL: link,
		}}})
	}
	line := "Alert " + a.ID + " · rule " + a.Rule
	if n := len(a.EventIDs); n == 1 {
		line += " · 1 CloudTrail event"
	} else if n > 1 {
		line += " · " + strconv.Itoa(n) + " CloudTrail events"
	}
	m.Blocks = append(m.Blocks, Block{Type: "context", Elements: []any{*plain(line, MaxFieldText)}})
	return m
}

// plain is a plain_text object cut to max characters. It is escaped too:
// Slack asks for & < > to be escaped in every text it reads, and an
// unescaped "<!channel>" is the one thing not worth betting on.
func plain(s string, max int) *Text {
	return &Text{Type: "plain_text", Text: truncateEscaped(s, max)}
}

// truncateEscaped escapes s and cuts it to max characters without
// splitting an escape ("&am…" would show as text, not as "&").
func truncateEscaped(s string, max int) string {
	e := escape(s)
	if len([]rune(e)) <= max {
		return e
	}
	cut := format.Truncate(e, max)
	if i := strings.LastIndexByte(cut, '&'); i >= 0 && !strings.Contains(cut[i:], ";") {
		cut = cut[:i] + format.Ellipsis
	}
	return cut
}

// mrkdwnEscaper is built once: a Replacer is immutable and safe for
// concurrent use, and building one per call cost more than the message.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape applies Slack's three escapes (& < >), which every text Slack
// reads needs so that it cannot forge links or @-mentions.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }
