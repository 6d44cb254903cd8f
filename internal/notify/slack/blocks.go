package slack

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rootwatch/rootwatch/internal/alert"
	"github.com/rootwatch/rootwatch/internal/notify/format"
)

// Block Kit limits (docs.slack.dev/reference/block-kit): header text 150
// characters, section text 3000, up to 10 fields of 2000, button text 75
// and URL 3000, 50 blocks per message.
const (
	MaxHeader      = 150
	MaxSectionText = 3000
	MaxFields      = 10
	MaxFieldText   = 2000
	MaxButtonText  = 75
	MaxURL         = 3000
	MaxBlocks      = 50
)

// Message is an incoming-webhook payload.
type Message struct {
	Text      string  `json:"text"`
	Blocks    []Block `json:"blocks"`
	Channel   string  `json:"channel,omitempty"`
	Username  string  `json:"username,omitempty"`
	IconEmoji string  `json:"icon_emoji,omitempty"`
}

// Block is one layout block (header, section, actions, context); only the
// fields its type uses are set.
type Block struct {
	Type     string `json:"type"`
	Text     *Text  `json:"text,omitempty"`
	Fields   []Text `json:"fields,omitempty"`
	Elements []any  `json:"elements,omitempty"` // Text in context blocks, Button in actions blocks
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

// NewMessage lays out a: header, summary, facts (as section fields), the
// first event, a console button and a context line with the alert ID.
func NewMessage(a alert.Alert) Message {
	m := Message{Text: escape(format.Subject(a, 200))}
	m.Blocks = append(m.Blocks, Block{Type: "header",
		Text: &Text{Type: "plain_text", Text: format.Truncate(format.Headline(a), MaxHeader), Emoji: true}})
	if a.Summary != "" {
		m.Blocks = append(m.Blocks, section(escape(a.Summary)))
	}
	facts := format.Facts(a)
	for len(facts) > 0 && len(m.Blocks) < MaxBlocks-3 {
		n := min(len(facts), MaxFields)
		b := Block{Type: "section"}
		for _, f := range facts[:n] {
			b.Fields = append(b.Fields, Text{Type: "mrkdwn",
				Text: format.Truncate("*"+escape(f.Label)+"*\n"+escape(f.Value), MaxFieldText)})
		}
		m.Blocks = append(m.Blocks, b)
		facts = facts[n:]
	}
	if len(a.Events) > 0 {
		m.Blocks = append(m.Blocks, section(codeBlock(a)))
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
	m.Blocks = append(m.Blocks, Block{Type: "context", Elements: []any{
		Text{Type: "mrkdwn", Text: format.Truncate(escape(line), MaxFieldText)},
	}})
	return m
}

func section(mrkdwn string) Block {
	return Block{Type: "section", Text: &Text{Type: "mrkdwn", Text: format.Truncate(mrkdwn, MaxSectionText)}}
}

// codeBlock shows the first event, indented, in a code block that fits
// the section limit; every event is in the SNS, email and webhook bodies.
func codeBlock(a alert.Alert) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, a.Events[0], "", "  "); err != nil {
		buf.Reset()
		buf.Write(a.Events[0])
	}
	head := "*Event 1 of " + strconv.Itoa(len(a.Events)) + "*\n```\n"
	const tail = "\n```"
	room := MaxSectionText - utf8.RuneCountInString(head) - utf8.RuneCountInString(tail)
	return head + format.Truncate(escape(buf.String()), room) + tail
}

// mrkdwnEscaper is built once: a Replacer is immutable and safe for
// concurrent use, and building one per call cost more than the message.
var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape applies Slack's three mrkdwn escapes so that event content
// (user agents, aliases) cannot forge links or @-mentions.
func escape(s string) string { return mrkdwnEscaper.Replace(s) }
